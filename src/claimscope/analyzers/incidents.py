"""Incident mentions: what happened, where, when, with what, to whom, by whose account.

Reads the article's sentences and the claims analyzer's claims (modality, who gives a figure,
claim→incident links); places come from the shipped gazetteer plus the store's layers
(``gazetteer.layers``), and the store's ``analysis.focus_countries`` says whose "government
forces" an article means. Rules in ``claimscope.incidents``; documented in docs/incidents.md.
"""

from __future__ import annotations

from functools import lru_cache

from claimscope.analyzers.sentences import _split_paragraphs
from claimscope.claims.world import world
from claimscope.demo import layer_paths
from claimscope.incidents.dates import dateline_date, parse_published
from claimscope.incidents.extract import Context, extract
from claimscope.incidents.records import to_records
from claimscope.model import AnalysisResult
from claimscope.pipeline import AnalysisDoc, Analyzer, register

FOCUS_SETTING = "analysis.focus_countries"


@lru_cache(maxsize=8)
def gazetteer_for(layers: tuple[str, ...]):
    """The shipped gazetteer, plus the store's extra layers when it has any (one per layer set)."""
    from claimscope.geo import Gazetteer

    if not layers:
        return Gazetteer.default()
    return Gazetteer(extra_layers=layers)


@lru_cache(maxsize=64)
def focus_iso(gazetteer, name: str | None) -> str | None:
    """ISO2 code of the focus country ("Syria" -> "SY"), None for a country the index lacks."""
    if not name:
        return None
    place = gazetteer.resolve(name)
    if place is not None and place.kind == "country" and place.country:
        return place.country
    return None


def sentence_ranges(doc: AnalysisDoc) -> list[tuple[int, int]]:
    if doc.spacy is None:  # no parse: paragraphs stand in for sentences
        return _split_paragraphs(doc.text, 0, len(doc.text))
    out = []
    for sent in doc.spacy.sents:
        out.extend(_split_paragraphs(doc.text, sent.start_char, sent.end_char))
    return out


def claims_with_refs(doc: AnalysisDoc) -> list[tuple[str | int, dict]]:
    """This article's claims with a reference a link can use (in-run refs or stored ids)."""
    fresh = doc.output("claims")
    if fresh is not None:
        return [(f"@claims/claims/{i}", c.to_dict()) for i, c in enumerate(fresh.claims)]
    if doc.store is None:
        return []
    return [(row["id"], row) for row in doc.store.claims(article_id=doc.article.id)]


def context_for(doc: AnalysisDoc, claim_refs: list[tuple[str | int, dict]]) -> Context:
    layers = layer_paths(doc.store)
    gaz = gazetteer_for(layers)
    focus_list = doc.store.get_setting(FOCUS_SETTING, []) if doc.store is not None else []
    focus = focus_list[0] if focus_list else None
    published = parse_published(doc.article.published_at)
    if published is None or doc.article.published_precision in ("year", "month"):
        published = dateline_date(doc.text) or published
    w = world(layers)
    return Context(text=doc.text, published=published, sentences=sentence_ranges(doc),
                   claims=[c for _, c in claim_refs], gazetteer=gaz, focus=focus, focus_iso=focus_iso(gaz, focus),
                   country_of=w.country_of, outlet=doc.article.outlet)


@register
class IncidentsAnalyzer(Analyzer):
    name = "incidents"
    # 2: anchored dates, finer main places, country-as-actor, new triggers (2026-12-03)
    # 3: datelines inside the text, battle causes, date lines not counted as tolls, passive targets (2026-12-04)
    version = "3"
    requires = ("claims",)
    spacy_components = frozenset({"parser"})
    languages = frozenset({"en"})
    description = ("Incident mentions (type, weapon, modality, main/background, date, place, perpetrator, target) "
                   "with casualty figures and claim→incident links.")

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        claim_refs = claims_with_refs(doc)
        ctx = context_for(doc, claim_refs)
        mentions = extract(ctx)
        records, figures, links = to_records(mentions, ctx, doc.article.id, self.name, claim_refs)
        return AnalysisResult(mentions=records, figures=figures, links=links)
