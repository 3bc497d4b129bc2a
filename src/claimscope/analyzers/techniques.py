"""Persuasion techniques at span level, each tied to the claims whose spans it overlaps.

The detector is the best one installed (a trained span model when shipped, else the lexicon
baseline in ``rhetoric/lexicon.py``); ties to claims become ``technique_claim`` links so that a
claim reads "denial, using doubt and name calling".
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Sequence

from claimscope.model import AnalysisResult, Link, LinkKind
from claimscope.pipeline import AnalysisDoc, Analyzer, register
from claimscope.rhetoric import get_detector, to_technique_spans

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _detector():
    """The detector that scored best on dev, as the shipped model's config names it
    (``model`` or ``model+lexicon``); the lexicon baseline, with a warning, only when the
    model files are missing."""
    from claimscope.rhetoric.model import best_detector_name  # imports no onnxruntime by itself

    name = best_detector_name()
    try:
        return get_detector(name)
    except FileNotFoundError as exc:
        log.warning("persuasion detector %r unavailable (%s); using the lexicon baseline", name, exc)
        return get_detector("lexicon")


@register
class TechniquesAnalyzer(Analyzer):
    name = "techniques"
    version = "1"
    requires = ("claims",)
    languages = frozenset({"en"})
    description = "Persuasion technique spans (23-technique taxonomy), linked to the claims they serve."

    def __init__(self) -> None:
        # the detector in use is part of the version: installing a trained model re-runs this
        detector = _detector()
        self.version = f"{TechniquesAnalyzer.version}+{detector.name}-{detector.version}"

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        return self.analyze_batch([doc])[0]

    def analyze_batch(self, docs: Sequence[AnalysisDoc]) -> list[AnalysisResult]:
        # One model call for the batch: windows of long and short articles are pooled.
        detector = _detector()
        texts = [doc.text for doc in docs]
        found = detector.detect_batch(texts) if hasattr(detector, "detect_batch") else [detector.detect(t) for t in texts]
        producer = f"rhetoric.{detector.name}"
        return [self._result(doc, to_technique_spans(doc.article.id, spans, producer, detector.version))
                for doc, spans in zip(docs, found)]

    def _result(self, doc: AnalysisDoc, spans: list) -> AnalysisResult:
        result = AnalysisResult(techniques=spans)
        claims = _claims_with_refs(doc)
        for index, span in enumerate(spans):
            for ref, claim in claims:
                ranges = [(claim["content_start"], claim["content_end"])]
                if claim.get("cue_start") is not None:
                    ranges.append((claim["cue_start"], claim["cue_end"]))
                if claim.get("source_start") is not None:
                    ranges.append((claim["source_start"], claim["source_end"]))
                if any(span.start < end and start < span.end for start, end in ranges):
                    result.links.append(Link(kind=LinkKind.TECHNIQUE_CLAIM, from_type="technique",
                                             from_id=f"@{self.name}/techniques/{index}", to_type="claim", to_id=ref,
                                             label=span.technique, score=span.confidence))
        return result


def _claims_with_refs(doc: AnalysisDoc) -> list[tuple[str | int, dict]]:
    """This article's claims with a reference a link can use: the in-run result when the claims
    analyzer ran in this run, else the stored rows."""
    fresh = doc.output("claims")
    if fresh is not None:
        return [(f"@claims/claims/{i}", c.to_dict()) for i, c in enumerate(fresh.claims)]
    if doc.store is None:
        return []
    return [(row["id"], row) for row in doc.store.claims(article_id=doc.article.id)]
