"""Similar claims: the vector index kept beside the store and refreshed from it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from claimscope.index.ranking import CANDIDATES, rank
from claimscope.index.vectors import Hit, VectorIndex
from claimscope.store.base import Store

__all__ = ["SimilarClaims", "VectorIndex", "Hit"]


def index_folder(store: Store) -> Path:
    path = getattr(store, "path", None)
    if path is None:
        from platformdirs import user_cache_dir

        import hashlib

        # a server store names the database instance too, so a re-created database never reuses an old index
        key = getattr(store, "cache_key", None) or store.url
        return Path(user_cache_dir("claimscope")) / ("vectors-" + hashlib.sha256(key.encode()).hexdigest()[:12])
    return Path(str(path) + ".vectors")


class SimilarClaims:
    """``similar(text)``: claims whose meaning is closest, in milliseconds over millions."""

    def __init__(self, store: Store):
        self.store = store
        self.folder = index_folder(store)
        self.index: VectorIndex | None = None
        self.last_id = 0
        self._lock = threading.Lock()

    def refresh(self) -> VectorIndex:
        """Load the persisted index and add vectors stored since; rebuild if claims vanished."""
        from claimscope.nn.embed import from_blob

        with self._lock:
            if self.index is None:
                try:
                    self.index, meta = VectorIndex.load(self.folder)
                    self.last_id = int(meta.get("last_claim_id", 0))
                except (FileNotFoundError, ValueError, KeyError, OSError):
                    self.index, self.last_id = VectorIndex(), 0
            added = 0
            while True:
                rows = self.store.claim_vectors(after_claim_id=self.last_id)
                if not rows:
                    break
                self.index.add(np.array([r[0] for r in rows]), np.stack([from_blob(r[1]) for r in rows]))
                self.last_id = rows[-1][0]
                added += len(rows)
            live = self.store.claim_vector_count()
            if len(self.index) > live * 1.2 + 100:  # many claims were re-analysed: start over
                self.index, self.last_id = VectorIndex(), 0
                return self._rebuild_locked()
            if added:
                self.index.save(self.folder, {"last_claim_id": self.last_id})
            return self.index

    def _rebuild_locked(self) -> VectorIndex:
        from claimscope.nn.embed import from_blob

        while True:
            rows = self.store.claim_vectors(after_claim_id=self.last_id)
            if not rows:
                break
            self.index.add(np.array([r[0] for r in rows]), np.stack([from_blob(r[1]) for r in rows]))
            self.last_id = rows[-1][0]
        self.index.save(self.folder, {"last_claim_id": self.last_id})
        return self.index

    def similar(self, text: str | None = None, *, vector: np.ndarray | None = None, k: int = 10,
                exclude: set[int] | None = None, min_score: float = 0.0) -> list[dict[str, Any]]:
        """Claims most similar to a text (or vector), best first.

        Each row carries ``similarity`` (the encoder's cosine, which ``min_score`` filters on)
        and, for a text query, ``rank_score``: the score of the word-overlap and re-ranker
        stages that ordered the rows (``claimscope.index.ranking``). A vector query is ordered
        by cosine alone, having no words to compare.
        """
        if vector is None:
            from claimscope.nn.embed import ClaimEncoder

            vector = ClaimEncoder.default().encode([text or ""])[0]
        index = self.refresh()
        depth = max(k * 2 + 5, CANDIDATES) if text else k * 2 + 5  # some may be stale
        hits = index.search(vector, k=depth, exclude=exclude)
        rows = self.store.claims_by_id([h.id for h in hits])
        live = [(hit, rows[hit.id]) for hit in hits if hit.id in rows and hit.score >= min_score]
        if text and text.strip() and live:
            order = rank(text, [row["text"] for _, row in live], [hit.score for hit, _ in live])
            return [{**live[r.position][1], "similarity": round(live[r.position][0].score, 4),
                     "rank_score": round(r.score, 4)} for r in order[:k]]
        return [{**row, "similarity": round(hit.score, 4)} for hit, row in live[:k]]
