"""Background analysis jobs: one worker thread, jobs queued in order, progress pollable.

Analysis of a corpus takes minutes, longer than an HTTP request should. ``POST /api/analyze``
queues a job and answers at once with its id; ``GET /api/jobs/{id}`` reports progress. One
worker runs jobs one after another, because two pipelines over one SQLite file would only
wait for each other's write locks.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    status: str = "queued"  # queued | running | done | failed
    total: int | None = None
    done: int = 0
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["progress"] = round(self.done / self.total, 4) if self.total else (1.0 if self.status == "done" else 0.0)
        return out


class JobManager:
    def __init__(self, store_path: str, *, keep: int = 200):
        self.store_path = store_path
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimscope-job")

    def submit_analyze(self, analyzers: list[str] | None, limit: int | None, rerun: bool) -> Job:
        from claimscope.pipeline import Pipeline

        Pipeline(names=analyzers or None)  # unknown analyzer names fail now, as a 4xx, not in the job
        job = Job(id=uuid.uuid4().hex[:16], kind="analyze",
                  params={"analyzers": analyzers, "limit": limit, "rerun": rerun})
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[: max(0, len(self._jobs) - self.keep)]:
                if self._jobs[old].status in ("done", "failed"):
                    del self._jobs[old]
        self._pool.submit(self._run_analyze, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())[::-1]

    def _run_analyze(self, job: Job) -> None:
        from claimscope.pipeline import Pipeline
        from claimscope.store import open_store

        job.status, job.started_at = "running", _now()
        store = None
        try:
            store = open_store(self.store_path)
            pipeline = Pipeline(names=job.params["analyzers"] or None)
            names = job.params["analyzers"]
            rerun = ([a.name for a in pipeline.analyzers if not names or a.name in names]
                     if job.params["rerun"] else [])
            pending = len(pipeline.pending(store, rerun))
            limit = job.params["limit"]
            job.total = min(pending, limit) if limit is not None else pending

            def progress(n: int) -> None:
                job.done += n

            report = pipeline.run(store, limit=limit, progress=progress, rerun=rerun)
            job.result = {"summary": report.summary(), "articles": report.articles, "analyzed": report.analyzed,
                          "failures": [{"article_id": a, "analyzer": n, "error": e.splitlines()[-1] if e else ""}
                                       for a, n, e in report.failures[:50]],
                          "seconds": round(report.total_seconds, 2)}
            job.status = "done"
        except Exception as exc:  # a job must report its failure, not vanish with it
            job.status = "failed"
            job.error = f"{type(exc).__name__}: {exc}"
            job.result = {"traceback": traceback.format_exc(limit=5)}
        finally:
            job.finished_at = _now()
            if store is not None:
                store.close()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
