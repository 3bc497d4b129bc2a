"""Ranking the candidates of a similar-claim search: meaning, then words, then a re-ranker.

The vector index finds candidates by meaning (cosine of the claim encoder's vectors). Claims
that match a query often share rare words too (names, places, figures) that a small encoder
blurs, so the candidates are re-scored as

    first_stage = cosine + LEXICAL_WEIGHT * bm25 / max(bm25 over the candidates)

with BM25 statistics taken over the candidate set itself: that keeps the search stateless (no
term table to maintain beside either store) and, on the CheckThat! 2020 claim-retrieval dev
set, scores within 0.01 MAP@5 of BM25 over the whole collection. Then, where the package
ships a cross-encoder re-ranker (``claimscope/models/reranker``), the top ``RERANK_DEPTH``
candidates are re-ordered by ``reranker logit + fusion_weight * first_stage``. Both weights
were chosen on CheckThat! train queries (never on dev); see docs/linking.md and the model cards.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEXICAL_WEIGHT = 0.1
CANDIDATES = 50
RERANK_DEPTH = 20
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def bm25_within(query: str, texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """BM25 of ``query`` against each text, with document frequencies over ``texts`` only."""
    docs = [tokens(t) for t in texts]
    scores = np.zeros(len(docs), dtype=np.float32)
    if not docs:
        return scores
    df = Counter(t for d in docs for t in set(d))
    avg = max(1.0, sum(map(len, docs)) / len(docs))
    counts = [Counter(d) for d in docs]
    n = len(docs)
    for term in set(tokens(query)):
        if term not in df:
            continue
        idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
        for j, tf in enumerate(counts):
            f = tf.get(term)
            if f:
                scores[j] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(docs[j]) / avg))
    return scores


def first_stage(query: str, texts: Sequence[str], cosines: Sequence[float]) -> np.ndarray:
    """Cosine plus the candidate-normalised lexical score (see the module docstring)."""
    cos = np.asarray(cosines, dtype=np.float32)
    if len(cos) == 0:
        return cos
    lexical = bm25_within(query, texts)
    top = float(lexical.max())
    return cos + LEXICAL_WEIGHT * (lexical / top if top > 0 else lexical)


@dataclass(frozen=True)
class Ranked:
    position: int  # index into the candidates given
    score: float  # the score that ordered it (first stage, or re-ranker fusion)


def _reranker():
    try:
        from claimscope.nn.rerank import ClaimReranker

        return ClaimReranker.default()
    except (FileNotFoundError, ModuleNotFoundError):
        return None  # a build without the re-ranker: the first stage alone


def rank(query: str, texts: Sequence[str], cosines: Sequence[float], *, rerank: bool = True) -> list[Ranked]:
    """Candidates (texts with their cosine to the query) best first."""
    scores = first_stage(query, texts, cosines)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    ranked = [Ranked(i, float(scores[i])) for i in order]
    model = _reranker() if rerank and query.strip() else None
    if model is None or len(ranked) < 2:
        return ranked
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    logits = model.score(query, [texts[r.position] for r in head])
    fused = logits + model.fusion_weight * np.array([r.score for r in head], dtype=np.float32)
    head = [Ranked(head[j].position, float(fused[j])) for j in np.argsort(-fused, kind="stable")]
    return head + tail
