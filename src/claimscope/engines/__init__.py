"""Where the analyzers run: in this process, in worker processes, or on a Ray cluster.

| engine    | module            | workers                                   | writes                     |
|-----------|-------------------|-------------------------------------------|----------------------------|
| serial    | ``serial.py``     | this process (``Pipeline.run``)           | this process               |
| process   | ``process.py``    | N spawned processes, models loaded once each | the parent, serial order |
| ray       | ``ray_engine.py`` | Ray Data actors (local or a cluster)      | the driver, serial order   |

Every engine plans the run with :meth:`Pipeline.batches`, analyses each batch whole with
:meth:`Pipeline.analyze_batch` and saves with :func:`claimscope.pipeline.save_outcome`, so
the store ends up the same whichever engine ran (tests/test_engines.py checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from claimscope.engines.common import EngineReport

ENGINES = ("serial", "process", "ray")


def run(store, *, engine: str = "serial", names: Sequence[str] | None = None, workers: int | None = None,
        address: str | None = None, batch_size: int = 32, limit: int | None = None, rerun: bool = False,
        progress: Callable[[int], Any] | None = None, on_plan: Callable[[int], Any] | None = None) -> EngineReport:
    """Run the analyzers ``names`` (default: all registered, with what they require) over the
    pending articles of ``store`` with ``engine``. ``rerun`` analyses every article again with
    the named analyzers (or all). ``on_plan(n)`` learns how many articles will be analysed."""
    from claimscope.pipeline import registered

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    known = registered()
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise ValueError(f"unknown analyzer(s) {', '.join(unknown)}; available: {', '.join(known)}")
    again = (list(names) if names else list(known)) if rerun else []
    common = {"names": names, "batch_size": batch_size, "limit": limit, "rerun": again, "progress": progress,
              "on_plan": on_plan}
    if engine == "serial":
        from claimscope.engines import serial

        return serial.run(store, **common)
    if address and engine != "ray":
        raise ValueError("--address is for --engine ray")
    if engine == "process":
        from claimscope.engines import process

        return process.run(store, workers=workers or 2, **common)
    from claimscope.engines import ray_engine

    return ray_engine.run(store, workers=workers, address=address, **common)


__all__ = ["ENGINES", "EngineReport", "run"]
