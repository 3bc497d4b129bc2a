"""An in-process vector index for claim embeddings: exact for small collections, IVF beyond.

Vectors are unit-normalised (cosine = dot product) and kept as int8 (a quarter of float32's
memory: 384 MB for a million 384-d vectors) with a per-vector scale. Beyond ``ivf_threshold``
vectors, a coarse k-means quantiser partitions them into ``nlist`` lists and a query scans only
the ``nprobe`` lists nearest to it, then re-scores the candidates exactly. Persisted as ``.npy``
files in a folder beside the database; the database stays the source of truth.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(vectors).max(axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    return np.round(vectors / scale * 127).astype(np.int8), (scale[:, 0] / 127).astype(np.float32)


def _kmeans(sample: np.ndarray, k: int, iterations: int = 12, seed: int = 7) -> np.ndarray:
    """Spherical k-means (centroids re-normalised), enough for a coarse quantiser."""
    rng = np.random.default_rng(seed)
    centroids = sample[rng.choice(len(sample), size=k, replace=False)].copy()
    for _ in range(iterations):
        assign = np.argmax(sample @ centroids.T, axis=1)
        for j in range(k):
            members = sample[assign == j]
            if len(members):
                c = members.sum(axis=0)
                centroids[j] = c / (np.linalg.norm(c) or 1.0)
            else:  # re-seed an empty list with a random point
                centroids[j] = sample[rng.integers(len(sample))]
    return centroids.astype(np.float32)


@dataclass
class Hit:
    id: int
    score: float


class VectorIndex:
    def __init__(self, dimension: int = 384, *, ivf_threshold: int = 20_000, nprobe: int = 24):
        self.dimension = dimension
        self.ivf_threshold = ivf_threshold
        self.nprobe = nprobe
        self.ids = np.zeros(0, dtype=np.int64)
        self.codes = np.zeros((0, dimension), dtype=np.int8)
        self.scales = np.zeros(0, dtype=np.float32)
        self.centroids: np.ndarray | None = None
        self.assign = np.zeros(0, dtype=np.int32)
        self._lists: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # -- building --------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension or len(ids) != len(vectors):
            raise ValueError(f"expected {len(ids)} vectors of dimension {self.dimension}, got shape {vectors.shape}")
        if len(ids) == 0:
            return
        codes, scales = quantise(vectors)
        self.ids = np.concatenate([self.ids, ids])
        self.codes = np.concatenate([self.codes, codes])
        self.scales = np.concatenate([self.scales, scales])
        if self.centroids is None and len(self.ids) >= self.ivf_threshold:
            self.train()
        elif self.centroids is not None:
            self.assign = np.concatenate([self.assign, self._nearest_list(vectors)])
            self._lists = None

    def train(self, nlist: int | None = None) -> None:
        """(Re)build the coarse quantiser over everything stored."""
        n = len(self.ids)
        nlist = nlist or int(min(4096, max(16, 4 * np.sqrt(n))))
        rng = np.random.default_rng(11)
        sample_idx = rng.choice(n, size=min(n, max(nlist * 40, 20_000)), replace=False)
        sample = self._decode(sample_idx)
        self.centroids = _kmeans(sample, nlist)
        self.assign = np.concatenate([self._nearest_list(self._decode(np.arange(i, min(i + 50_000, n))))
                                      for i in range(0, n, 50_000)]).astype(np.int32)
        self._lists = None

    def _nearest_list(self, vectors: np.ndarray) -> np.ndarray:
        return np.argmax(vectors @ self.centroids.T, axis=1).astype(np.int32)

    def _decode(self, rows: np.ndarray) -> np.ndarray:
        return self.codes[rows].astype(np.float32) * self.scales[rows, None]

    def _inverted_lists(self) -> list[np.ndarray]:
        if self._lists is None:
            order = np.argsort(self.assign, kind="stable")
            bounds = np.searchsorted(self.assign[order], np.arange(len(self.centroids) + 1))
            self._lists = [order[bounds[i]:bounds[i + 1]] for i in range(len(self.centroids))]
        return self._lists

    # -- querying --------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int = 10, *, exclude: set[int] | None = None) -> list[Hit]:
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if len(self.ids) == 0:
            return []
        norm = np.linalg.norm(query) or 1.0
        query = query / norm
        if self.centroids is None:
            rows = np.arange(len(self.ids))
        else:
            lists = self._inverted_lists()
            probe = np.argsort(-(self.centroids @ query))[: self.nprobe]
            rows = np.concatenate([lists[p] for p in probe])
        scores = (self.codes[rows].astype(np.float32) @ query) * self.scales[rows]
        want = k + (len(exclude) if exclude else 0)
        if len(rows) > want:
            top = np.argpartition(-scores, want - 1)[:want]
        else:
            top = np.arange(len(rows))
        top = top[np.argsort(-scores[top])]
        hits = []
        for j in top:
            claim_id = int(self.ids[rows[j]])
            if exclude and claim_id in exclude:
                continue
            hits.append(Hit(claim_id, float(scores[j])))
            if len(hits) == k:
                break
        return hits

    # -- persistence -----------------------------------------------------------------
    def save(self, folder: Path, meta: dict | None = None) -> None:
        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        np.save(tmp / "ids.npy", self.ids)
        np.save(tmp / "codes.npy", self.codes)
        np.save(tmp / "scales.npy", self.scales)
        if self.centroids is not None:
            np.save(tmp / "centroids.npy", self.centroids)
            np.save(tmp / "assign.npy", self.assign)
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT_VERSION, "dimension": self.dimension,
                                                   "count": len(self.ids), **(meta or {})}))
        # swap folders so a crash leaves either the old or the new index, never a mix
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        if old.exists():
            for f in old.iterdir():
                f.unlink()
            old.rmdir()

    @classmethod
    def load(cls, folder: Path) -> tuple[VectorIndex, dict]:
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"vector index at {folder} has format {meta.get('format')}, expected {FORMAT_VERSION}")
        index = cls(meta["dimension"])
        index.ids = np.load(folder / "ids.npy")
        index.codes = np.load(folder / "codes.npy", mmap_mode="r")
        index.scales = np.load(folder / "scales.npy")
        if (folder / "centroids.npy").exists():
            index.centroids = np.load(folder / "centroids.npy")
            index.assign = np.load(folder / "assign.npy")
        return index, meta
