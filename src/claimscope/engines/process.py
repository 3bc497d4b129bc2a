"""Process-level parallelism on one machine: N worker processes analyse, the parent writes.

Each worker (started with ``spawn``, so no model or thread state is inherited) builds the
analyzers once and gets ``cores // workers`` compute threads. The parent plans the run as a
serial run would, keeps at most ``2 * workers`` batches in flight, and saves the results in
the serial order, one transaction per article: the store has a single writer and ends up
identical to a serial run's (same rows, same ids). Killing the run loses the batches in flight.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from claimscope.engines.common import (
    BatchResult, EngineReport, Worker, limit_threads, load_batch, planning_pipeline, settings_snapshot,
    store_location, timer,
)
from claimscope.pipeline import save_outcome

_worker: Worker | None = None


def _init(names: Sequence[str] | None, settings: dict, location: str | None, threads: int) -> None:
    global _worker
    limit_threads(threads)  # before numpy / onnxruntime are imported in this process
    _worker = Worker(names, settings, location)


def _specs() -> list[tuple[str, str, tuple[str, ...]]]:
    assert _worker is not None
    return _worker.specs()


def _run(seq: int, articles, names_for) -> BatchResult:
    assert _worker is not None
    return _worker.run(seq, articles, names_for)


def threads_per_worker(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // workers)


def run(store, *, names: Sequence[str] | None = None, workers: int = 2, batch_size: int = 32,
        limit: int | None = None, rerun: Iterable[str] = (), progress: Callable[[int], Any] | None = None,
        on_plan: Callable[[int], Any] | None = None) -> EngineReport:
    """Analyse pending articles of ``store`` with ``workers`` processes; see the module docstring.

    ``on_plan(n)`` is called with the number of articles to analyse once it is known."""
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    report = EngineReport(engine="process", workers=workers)
    started = timer()
    context = multiprocessing.get_context("spawn")
    initargs = (list(names) if names else None, settings_snapshot(store), store_location(store),
                threads_per_worker(workers))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init,
                                 initargs=initargs) as pool:
            plan = planning_pipeline(pool.submit(_specs).result())
            batches = plan.batches(store, batch_size=batch_size, limit=limit, rerun=rerun)
            if on_plan:
                on_plan(sum(len(b) for b in batches))
            in_flight: deque = deque()
            queue = iter(enumerate(batches))

            def submit_next() -> bool:
                item = next(queue, None)
                if item is None:
                    return False
                seq, batch = item
                in_flight.append(pool.submit(_run, seq, *load_batch(store, batch)))
                return True

            for _ in range(2 * workers):
                if not submit_next():
                    break
            while in_flight:
                result: BatchResult = in_flight.popleft().result()  # oldest first: serial write order
                submit_next()
                report.absorb(result)
                save_outcome(store, result.outcome, report, progress)
    except BrokenProcessPool as exc:
        raise RuntimeError(
            f"a worker process died ({exc}); most often it ran out of memory. Articles saved so far are kept: "
            f"rerun 'claimscope analyze' with fewer --workers (now {workers}) to continue") from None
    report.total_seconds = timer() - started
    return report
