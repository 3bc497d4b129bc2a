"""Claim re-ranking with the shipped ONNX cross-encoder (all-MiniLM-L6-v2 base, see its model
card in ``claimscope/models/reranker/``), torch-free.

The re-ranker reads a query and a candidate claim together and gives one logit per pair
(higher = more likely the same claim). It re-orders the top ``candidates`` (20) of the first
stage, ``cos(enc(q), enc(d)) + first_stage_bm25_weight * BM25 / max BM25``; the final score is
``logit + fusion_weight * first_stage_score`` (both numbers in the model's config.json).

    reranker = ClaimReranker.default()
    logits = reranker.score("tweet text", ["claim one", "claim two"])
    final = logits + reranker.fusion_weight * first_stage_scores
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

import numpy as np

from claimscope.nn.onnx_runtime import OnnxTextModel, _read_resource, graph_resource, model_resource_dir

MODEL_NAME = "reranker"


class PairOnnxModel(OnnxTextModel):
    """:class:`OnnxTextModel` over (query, candidate) pairs: ``[CLS] q [SEP] d [SEP]``, truncated
    longest-first to ``max_length`` pieces, token types left at zero (as in training)."""

    def _encode(self, pairs: Sequence[tuple[str, str]]) -> list[list[int]]:
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
                raise TypeError(f"{self.name}: item {i} must be a (str, str) pair, got {type(pair).__name__}")
        return [enc.ids for enc in self.tokenizer.encode_batch(list(pairs))]


class ClaimReranker:
    """One relevance logit per (query, candidate claim) pair."""

    _default: ClaimReranker | None = None
    _lock = threading.Lock()

    def __init__(self, model: PairOnnxModel, config: dict):
        self.model = model
        self.config = config
        self.candidates = int(config.get("candidates", 20))
        self.first_stage_bm25_weight = float(config.get("first_stage_bm25_weight", 0.2))
        self.fusion_weight = float(config.get("fusion_weight", 0.0))
        self.version = str(config.get("version") or f"{config.get('trained', '?')}{'-int8' if config.get('int8') else ''}")

    @classmethod
    def default(cls) -> ClaimReranker:
        """The shipped model, loaded once per process (thread-safe)."""
        with cls._lock:
            if cls._default is None:
                folder = model_resource_dir(MODEL_NAME)
                config = json.loads(_read_resource(folder, "config.json"))
                model = PairOnnxModel(graph_resource(folder),
                                      _read_resource(folder, "tokenizer.json").decode("utf-8"),
                                      max_length=int(config.get("max_length", 128)), batch_size=32, name=MODEL_NAME)
                cls._default = cls(model, config)
            return cls._default

    def score(self, query: str, candidates: Sequence[str]) -> np.ndarray:
        """Logits, shape [len(candidates)], in candidate order; an empty list gives an empty array."""
        if not isinstance(query, str):
            raise TypeError(f"{MODEL_NAME}: query must be str, got {type(query).__name__}")
        if len(candidates) == 0:
            return np.zeros(0, dtype=np.float32)
        bad = [i for i, c in enumerate(candidates) if not isinstance(c, str)]
        if bad:
            raise TypeError(f"{MODEL_NAME}: candidates must be str; item {bad[0]} is {type(candidates[bad[0]]).__name__}")
        logits = self.model.logits([(query, c) for c in candidates])
        return logits[:, 0].astype(np.float32)

    def fuse(self, logits: np.ndarray, first_stage: np.ndarray) -> np.ndarray:
        """Final ranking score: ``logit + fusion_weight * first-stage score``."""
        return np.asarray(logits, dtype=np.float64) + self.fusion_weight * np.asarray(first_stage, dtype=np.float64)
