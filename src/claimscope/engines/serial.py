"""The serial engine: the pipeline in this process (``Pipeline.run``), the reference result."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from claimscope.engines.common import EngineReport
from claimscope.pipeline import Pipeline


def run(store, *, names: Sequence[str] | None = None, batch_size: int = 32, limit: int | None = None,
        rerun: Iterable[str] = (), progress: Callable[[int], Any] | None = None,
        on_plan: Callable[[int], Any] | None = None, pipeline: Pipeline | None = None) -> EngineReport:
    pipeline = pipeline or Pipeline(names=list(names) if names else None)
    if on_plan:
        pending = len(pipeline.pending(store, rerun))
        on_plan(min(pending, limit) if limit is not None else pending)
    base = pipeline.run(store, batch_size=batch_size, limit=limit, progress=progress, rerun=rerun)
    report = EngineReport(engine="serial", workers=1)
    report.__dict__.update({k: v for k, v in base.__dict__.items()})
    report.worker_seconds = base.parse_seconds + sum(base.seconds.values())
    return report
