"""Per-app state: the store path, one SQLite connection per worker thread, jobs, limits."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from claimscope.store import Store, open_store


class AppState:
    def __init__(self, store_path: str | Path, token: str | None, *, write_rate_per_minute: int,
                 max_upload_bytes: int, allow_private_fetch: bool):
        self.store_path = str(store_path)
        self.token = token
        self.max_upload_bytes = max_upload_bytes
        self.allow_private_fetch = allow_private_fetch
        self._local = threading.local()
        self._opened: list[Store] = []
        self._opened_lock = threading.Lock()
        self._similar: Any = None
        self._similar_lock = threading.Lock()
        from claimscope.web.jobs import JobManager
        from claimscope.web.security import RateLimiter

        self.jobs = JobManager(self.store_path)
        self.write_limiter = RateLimiter(write_rate_per_minute)
        open_store(self.store_path).close()  # create/migrate now, so a bad path fails at startup

    def store(self) -> Store:
        """This thread's store: SQLite connections are cheap, and one per thread avoids
        interleaving two requests' statements on one connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.store_path)
            self._local.store = store
            with self._opened_lock:
                self._opened.append(store)
        return store

    def thread_store(self) -> Store:
        """A handle that resolves to the *calling* thread's store on every use.

        FastAPI resolves a sync dependency in one worker thread and may run the endpoint in
        another, so handing the endpoint the dependency thread's connection would let two
        requests use one connection at once (their statements interleave, and with SQLite a
        thread waiting for the connection's mutex while holding the GIL deadlocks a writer until
        the busy timeout: "database is locked" under concurrent load)."""
        return _ThreadStore(self)  # type: ignore[return-value]

    def similar(self, text: str, *, k: int, min_score: float) -> list[dict[str, Any]]:
        """Similar-claim search through one shared index (its own connection, one caller at a time)."""
        with self._similar_lock:
            if self._similar is None:
                from claimscope.index import SimilarClaims

                self._similar = SimilarClaims(open_store(self.store_path))
            return self._similar.similar(text, k=k, min_score=min_score)

    def close(self) -> None:
        self.jobs.shutdown()
        with self._opened_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
        if self._similar is not None:
            self._similar.store.close()


class _ThreadStore:
    """Forwards every attribute to the store of the thread that uses it (see thread_store)."""

    __slots__ = ("_state",)

    def __init__(self, state: AppState):
        self._state = state

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state.store(), name)
