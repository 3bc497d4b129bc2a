"""What every engine shares: the analysis plan, the worker, and the store view workers read.

The parent (the process that owns the store) plans the run exactly as a serial run would
(:meth:`Pipeline.batches`), ships each batch's articles to a worker, and writes the results
back in the serial order, one transaction per article. Workers never write: SQLite keeps a
single writer and ids come out exactly as in a serial run.

A worker holds one :class:`Worker` (the analyzers, hence the models, loaded once) and a
:class:`WorkerStoreView` in place of the store: the settings analyzers read (a snapshot taken
by the parent) plus, only when an article's upstream analyzers did not re-run in this batch,
read access to the stored rows through the store at ``location``.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claimscope.model import AnalysisResult, Article
from claimscope.pipeline import AnalysisDoc, Analyzer, Pipeline, RunReport

# Settings analyzers read; the parent snapshots them so workers need no store for them.
SNAPSHOT_SETTINGS = ("analysis.focus_countries", "gazetteer.layers")
_WRITES = frozenset({"set_setting", "upsert_outlet", "add_article", "save_analysis", "save_linking",
                     "add_manual_edit", "transaction"})

Outcome = list[tuple[str, list[tuple[str, str, AnalysisResult]]]]  # per article: (id, [(analyzer, version, result)])


class AnalyzerSpec(Analyzer):
    """An analyzer's name, version and requirements without its models: what planning needs."""

    def __init__(self, name: str, version: str, requires: tuple[str, ...]):
        self.name = name  # type: ignore[misc]
        self.version = version  # type: ignore[misc]
        self.requires = requires  # type: ignore[misc]


@dataclass
class BatchResult:
    """A worker's answer for one batch."""

    seq: int
    outcome: Outcome
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    parse_seconds: float = 0.0
    pid: int = 0
    peak_rss_mb: float = 0.0


def settings_snapshot(store) -> dict[str, Any]:
    missing = object()
    out = {}
    for key in SNAPSHOT_SETTINGS:
        value = store.get_setting(key, missing)
        if value is not missing:
            out[key] = value
    return out


def store_location(store) -> str | None:
    """Where a worker can open the same store read-only: the SQLite file or the database URL."""
    path = getattr(store, "path", None)
    if path is not None:
        return str(path)
    # PostgreSQL: the full connection string (``url`` is redacted for display)
    return getattr(store, "_conninfo", None) or getattr(store, "url", None)


class WorkerStoreView:
    """The store as a worker's analyzers see it: read-only, settings from the parent's snapshot,
    other reads from the store at ``location`` opened on first use."""

    def __init__(self, settings: dict[str, Any], location: str | None):
        self._settings = settings
        self._location = location
        self._store = None

    def get_setting(self, key: str, default: Any = None) -> Any:
        if key in self._settings:
            return self._settings[key]
        if key in SNAPSHOT_SETTINGS:
            return default  # the parent looked: the store has no such setting
        return self._open().get_setting(key, default)

    def _open(self):
        if self._store is None:
            from claimscope.store import open_store

            if self._location is None:
                raise RuntimeError("an analyzer needs stored rows but this worker was given no store location; "
                                   "run the analysis with --engine serial or --engine process")
            if "://" not in self._location and not os.path.exists(self._location):
                raise RuntimeError(
                    f"an analyzer needs stored rows from {self._location}, which this worker cannot reach "
                    "(a SQLite file on another machine). On a cluster use a PostgreSQL store (--db postgresql://...) "
                    "or a full re-analysis (--rerun), whose analyzers need nothing stored")
            if "://" in self._location:
                self._store = open_store(self._location)
            else:
                from claimscope.store.sqlite import SQLiteStore

                self._store = SQLiteStore(self._location, readonly=True)
        return self._store

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in _WRITES:
            raise RuntimeError(f"analyzers must not write to the store from a worker (called Store.{name}); "
                               "return the rows in the AnalysisResult instead")
        return getattr(self._open(), name)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def limit_threads(threads: int) -> None:
    """Prepare a fresh worker process: ``threads`` compute threads (set before numpy and
    onnxruntime are imported), and no torch.

    The runtime never uses torch, but spaCy's thinc imports it whenever it is installed (the
    ``train`` extra brings it), which costs every worker about 170 MB of memory for nothing."""
    value = str(max(1, threads))
    os.environ["CLAIMSCOPE_ONNX_THREADS"] = value
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = value
    if "torch" not in sys.modules and not os.environ.get("CLAIMSCOPE_WORKER_TORCH"):
        sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError


class Worker:
    """One worker's analyzers (models loaded once) and the code that analyses a shipped batch."""

    def __init__(self, names: Sequence[str] | None, settings: dict[str, Any], location: str | None):
        self.pipeline = Pipeline(names=list(names) if names else None)
        self.view = WorkerStoreView(settings, location)

    def specs(self) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(a.name, a.version, tuple(a.requires)) for a in self.pipeline.analyzers]

    def run(self, seq: int, articles: Sequence[Article], names_for: dict[str, Sequence[str]]) -> BatchResult:
        report = RunReport()
        docs = [AnalysisDoc(article=a, store=self.view) for a in articles]  # type: ignore[arg-type]
        outcome = self.pipeline.analyze_batch(docs, names_for, report)
        return BatchResult(seq=seq, outcome=outcome, failures=report.failures, seconds=report.seconds,
                           parse_seconds=report.parse_seconds, pid=os.getpid(),
                           peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def planning_pipeline(specs: Sequence[tuple[str, str, tuple[str, ...]]]) -> Pipeline:
    """A pipeline of specs (as the workers report them) to plan a run without loading any model."""
    return Pipeline(analyzers=[AnalyzerSpec(name=n, version=v, requires=tuple(r)) for n, v, r in specs])


def load_batch(store, batch: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[list[Article], dict[str, tuple[str, ...]]]:
    articles = [a for a in (store.article(aid) for aid, _ in batch) if a is not None]
    return articles, dict(batch)


@dataclass
class EngineReport(RunReport):
    """A run's report plus what a parallel run adds: engine, workers and their peak memory."""

    engine: str = "serial"
    workers: int = 1
    worker_peak_rss_mb: dict[int, float] = field(default_factory=dict)  # pid -> peak resident MB
    worker_seconds: float = 0.0  # time spent inside workers, summed

    def absorb(self, result: BatchResult) -> None:
        self.failures.extend(result.failures)
        for name, secs in result.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + secs
        self.parse_seconds += result.parse_seconds
        self.worker_seconds += result.parse_seconds + sum(result.seconds.values())
        self.worker_peak_rss_mb[result.pid] = max(self.worker_peak_rss_mb.get(result.pid, 0.0), result.peak_rss_mb)

    def summary(self) -> str:
        text = super().summary()
        if self.engine != "serial":
            text += f" with the {self.engine} engine, {self.workers} workers"
        return text


def timer() -> float:
    return time.perf_counter()
