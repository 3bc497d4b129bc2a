"""Ranking the candidates of a similar-claim search: meaning, then words, then a re-ranker.

The vector index finds candidates by meaning (cosine of the claim encoder's vectors). Claims
that match a query often share rare words too (names, places, figures) that a small encoder
blurs, so the candidates are re-scored as

    first_stage = cosine + LEXICAL_WEIGHT * bm25 / max(bm25 over the candidates)

with BM25 statistics taken over the candidate set itself: that keeps the search stateless (no
term table to maintain beside either store) and, on the CheckThat! 2020 claim-retrieval dev
set, scores 0.006 (weight 0.1) to 0.012 (weight 0.2) MAP@5 below BM25 over the whole
collection (on train queries, weights 0.1 and 0.2 score alike; 0.2 is the re-ranker's
training-time first stage). Then, where the package ships a cross-encoder re-ranker
(``claimscope/models/reranker``), the top ``candidates`` of its config (20) are re-ordered by
``reranker logit + fusion_weight * first_stage``, the lexical weight also coming from its
config. Both weights were chosen on CheckThat! train queries (never on dev); see
docs/linking.md and the model cards.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEXICAL_WEIGHT = 0.2  # as in the first stage the re-ranker was trained and fused against
CANDIDATES = 50
RERANK_DEPTH = 20
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class BM25:
    """BM25 over a collection (k1 1.2, b 0.75; idf log(1 + (N - df + .5) / (df + .5))), with an
    inverted index so a query costs its terms' postings, not a scan of the collection."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75):
        docs = [tokens(t) for t in texts]
        self.n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avg = max(float(lengths.mean()), 1.0) if self.n else 1.0
        norm = k1 * (1 - b + b * lengths / avg)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for j, doc in enumerate(docs):
            for term, f in Counter(doc).items():
                ids, weights = postings.setdefault(term, ([], []))
                ids.append(j)
                weights.append(f * (k1 + 1) / (f + norm[j]))
        self.postings = {}
        for term, (ids, weights) in postings.items():
            idf = math.log(1 + (self.n - len(ids) + 0.5) / (len(ids) + 0.5))
            self.postings[term] = (np.array(ids, dtype=np.int64), np.array(weights) * idf)

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n)
        for term in set(tokens(query)):
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out


def bm25_within(query: str, texts: Sequence[str]) -> np.ndarray:
    """BM25 of ``query`` against each text, with document frequencies over ``texts`` only."""
    return BM25(texts).scores(query)


def first_stage(query: str, texts: Sequence[str], cosines: Sequence[float],
                lexical_weight: float = LEXICAL_WEIGHT) -> np.ndarray:
    """Cosine plus the candidate-normalised lexical score (see the module docstring)."""
    cos = np.asarray(cosines, dtype=np.float32)
    if len(cos) == 0:
        return cos
    lexical = bm25_within(query, texts)
    top = float(lexical.max())
    return cos + lexical_weight * (lexical / top if top > 0 else lexical)


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
    """Candidates (texts with their cosine to the query) best first. A shipped re-ranker's
    config sets the lexical weight and the depth it was trained with."""
    model = _reranker() if rerank and query.strip() else None
    weight = model.first_stage_bm25_weight if model is not None else LEXICAL_WEIGHT
    scores = first_stage(query, texts, cosines, weight)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    ranked = [Ranked(i, float(scores[i])) for i in order]
    if model is None or len(ranked) < 2:
        return ranked
    depth = model.candidates or RERANK_DEPTH
    head, tail = ranked[:depth], ranked[depth:]
    logits = model.score(query, [texts[r.position] for r in head])
    fused = model.fuse(logits, np.array([r.score for r in head], dtype=np.float32))
    head = [Ranked(head[j].position, float(fused[j])) for j in np.argsort(-fused, kind="stable")]
    return head + tail
