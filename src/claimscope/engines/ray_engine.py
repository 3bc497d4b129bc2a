"""Distributed analysis on Ray: the analyzers run as a Ray Data batch job.

    claimscope analyze --engine ray                           # a local Ray instance on this machine
    claimscope analyze --engine ray --address ray://head:10001  # or auto / host:6379: a running cluster

The driver (the process running ``claimscope analyze``) plans the run as a serial run would,
puts each batch of articles in one row of a Ray Dataset, and maps :class:`RayAnalyzer` over
it with an actor pool: each actor builds the analyzers, hence loads the models, once, and
analyses one batch per call. The driver reads the results back in the serial order and
writes them to the chosen store (SQLite or PostgreSQL), one transaction per article, so the
store has a single writer and ends up as a serial run leaves it.

Every Ray node needs claimscope installed (the same version, models included). Workers read
nothing from the store for a fresh analysis; re-running only some analyzers makes workers read
stored upstream rows, which needs a store they can reach (PostgreSQL) on a real cluster.
See docs/scaling.md.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from claimscope.engines.common import (
    EngineReport, Worker, limit_threads, load_batch, planning_pipeline, settings_snapshot, store_location, timer,
)
from claimscope.pipeline import save_outcome


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(f"the Ray engine needs Ray Data ({exc}); install it with: pip install 'claimscope[ray]'") from None
    return ray


class RayAnalyzer:
    """A Ray Data actor: the analyzers loaded once, one pickled batch of articles per row."""

    def __init__(self, names, settings, location, threads: int):
        limit_threads(threads)
        self.worker = Worker(names, settings, location)

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        results = []
        for seq, payload in zip(batch["seq"], batch["payload"]):
            articles, names_for = pickle.loads(payload)
            results.append(pickle.dumps(self.worker.run(int(seq), articles, names_for)))
        return {"seq": np.asarray(batch["seq"]), "result": np.array(results, dtype=object)}


def _describe(names, settings, location, threads):
    limit_threads(threads)
    return Worker(names, settings, location).specs()


def run(store, *, names: Sequence[str] | None = None, workers: int | None = None, address: str | None = None,
        batch_size: int = 32, limit: int | None = None, rerun: Iterable[str] = (),
        progress: Callable[[int], Any] | None = None, on_plan: Callable[[int], Any] | None = None) -> EngineReport:
    """Analyse pending articles of ``store`` on Ray; see the module docstring.

    ``address`` is a Ray cluster address (``auto``, ``host:6379``, ``ray://host:10001``); without
    it an already initialised Ray is used, else a local instance is started. ``workers`` is
    the number of actors (default: the cluster's CPUs)."""
    ray = _import_ray()
    started_here = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            options["address"] = address
        else:
            options["num_cpus"] = workers or os.cpu_count() or 1
        try:
            ray.init(**options)
        except ConnectionError as exc:
            raise RuntimeError(f"cannot connect to the Ray cluster at {address}: {exc}. Start it with "
                               "'ray start --head' on the head node and pass its address") from None
        started_here = True
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        actors = max(1, min(workers or cpus, cpus))
        threads = 1 if actors > 1 else max(1, cpus)
        args = (list(names) if names else None, settings_snapshot(store), store_location(store), threads)
        report = EngineReport(engine="ray", workers=actors)
        started = timer()
        specs = ray.get(ray.remote(num_cpus=1)(_describe).remote(*args))
        plan = planning_pipeline(specs)
        batches = plan.batches(store, batch_size=batch_size, limit=limit, rerun=rerun)
        if on_plan:
            on_plan(sum(len(b) for b in batches))
        if batches:
            items = [{"seq": seq, "payload": pickle.dumps(load_batch(store, batch))} for seq, batch in enumerate(batches)]
            context = ray.data.DataContext.get_current()
            context.execution_options.preserve_order = True
            context.enable_progress_bars = False
            dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
                RayAnalyzer, fn_constructor_args=args, batch_size=1, concurrency=actors, num_cpus=1,
                batch_format="numpy")
            pending: dict[int, Any] = {}
            next_seq = 0
            for row in dataset.iter_rows():
                result = pickle.loads(row["result"])
                pending[result.seq] = result
                while next_seq in pending:  # write in the serial order whatever order rows arrive in
                    done = pending.pop(next_seq)
                    report.absorb(done)
                    save_outcome(store, done.outcome, report, progress)
                    next_seq += 1
            if pending or next_seq != len(batches):
                raise RuntimeError(f"Ray returned {next_seq} of {len(batches)} batches; rerun to analyse the rest")
        report.total_seconds = timer() - started
        return report
    finally:
        if started_here:
            ray.shutdown()
