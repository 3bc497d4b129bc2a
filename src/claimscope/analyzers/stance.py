"""Stance: for each claim→incident link of an article, the claim's stance toward the incident.

Reads the claims and incidents analyzers' output (this run's, or the stored rows when they did
not need to re-run), asks ``claimscope.stance`` (a numpy classifier over FNC-1-style features,
mapped onto claimscope's labels by the claim type) and writes one ``stance`` link per pair:
label ``supports`` / ``denies`` / ``counter_accuses`` / ``neutral``, score its confidence,
attrs the reason and the class probabilities. Cross-article linking reads these links to put
each claim in the allegation, denial or corroboration column of an incident's dossier.
Documented in docs/stance.md.
"""

from __future__ import annotations

from functools import lru_cache

from claimscope.analyzers.incidents import claims_with_refs
from claimscope.model import AnalysisResult, LinkKind
from claimscope.pipeline import AnalysisDoc, Analyzer, register
from claimscope.stance.links import VERSION as STANCE_VERSION
from claimscope.stance.links import stance_links


@lru_cache(maxsize=1)
def _classifier():
    """The shipped stance model, loaded once per process (None: rules by claim type only)."""
    from claimscope.stance.classifier import StanceClassifier

    try:
        return StanceClassifier.default()
    except FileNotFoundError:
        return None


def mentions_and_links(doc: AnalysisDoc) -> tuple[list[tuple[str | int, dict]], list]:
    """This article's incident mentions with link-able references, and its claim→incident links."""
    fresh = doc.output("incidents")
    if fresh is not None:
        mentions = [(f"@incidents/mentions/{i}", m.to_dict()) for i, m in enumerate(fresh.mentions)]
        return mentions, list(fresh.links)
    if doc.store is None:
        return [], []
    mentions = [(row["id"], row) for row in doc.store.incident_mentions(article_id=doc.article.id)]
    links = doc.store.links_for_article(doc.article.id, kind=LinkKind.CLAIM_INCIDENT.value)
    return mentions, links


@register
class StanceAnalyzer(Analyzer):
    name = "stance"
    version = STANCE_VERSION
    requires = ("claims", "incidents")
    languages = frozenset({"en"})
    description = "Each claim's stance toward the incident it is about (supports / denies / counter-accuses / neutral)."

    def __init__(self) -> None:
        classifier = _classifier()
        # The version names the model so a new model re-runs the analyzer on every article.
        self.version = f"{STANCE_VERSION}+{'model-' + classifier.version if classifier is not None else 'rules'}"

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        mentions, links = mentions_and_links(doc)
        if not mentions or not links:
            return AnalysisResult()
        claims = claims_with_refs(doc)
        return AnalysisResult(links=stance_links(claims, mentions, doc.text, links, _classifier()))
