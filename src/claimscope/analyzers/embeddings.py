"""Claim embeddings for "find claims like this one" and narrative clustering."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from claimscope.model import AnalysisResult
from claimscope.pipeline import AnalysisDoc, Analyzer, register

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _encoder():
    try:
        from claimscope.nn.embed import ClaimEncoder

        return ClaimEncoder.default()
    except (FileNotFoundError, RuntimeError) as exc:
        log.warning("claim encoder unavailable (%s); similar-claim search is disabled", exc)
        return None


@register
class EmbeddingsAnalyzer(Analyzer):
    name = "embeddings"
    version = "1"
    requires = ("claims",)
    description = "Embeds every claim with the shipped sentence encoder (vectors in claim_vectors)."

    def __init__(self) -> None:
        encoder = _encoder()
        # the model is part of the version: a new encoder re-embeds everything
        self.version = f"{EmbeddingsAnalyzer.version}+{encoder.version if encoder else 'none'}"

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        return self.analyze_batch([doc])[0]

    def analyze_batch(self, docs: Sequence[AnalysisDoc]) -> list[AnalysisResult]:
        from claimscope.nn.embed import to_blob

        encoder = _encoder()
        results = [AnalysisResult() for _ in docs]
        if encoder is None:
            return results
        refs, texts, owners = [], [], []
        for i, doc in enumerate(docs):
            fresh = doc.output("claims")
            if fresh is not None:
                items = [(f"@claims/claims/{j}", c.text) for j, c in enumerate(fresh.claims)]
            elif doc.store is not None:
                items = [(row["id"], row["text"]) for row in doc.store.claims(article_id=doc.article.id)]
            else:
                items = []
            for ref, text in items:
                refs.append(ref)
                texts.append(text)
                owners.append(i)
        for ref, owner, vector in zip(refs, owners, encoder.encode(texts)):
            results[owner].claim_vectors.append((ref, to_blob(vector)))
        return results
