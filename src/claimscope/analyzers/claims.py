"""Claims: attributed statements (who said what, with which act) and the outlet's own assertions.

Attributions come from the trained tagger (``nn/attribution.py``) combined with the
dependency-parse rules (``claims/rules.py``) as ``claims/combine.py`` decides; speakers are resolved
within the article (``claims/speakers.py``); each claim gets a type and polarity
(``claims/types.py``) and, where the shipped model is present, a check-worthiness score.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from claimscope.claims.attribution import Attribution
from claimscope.claims.combine import SHIPPED_STRATEGY, SentenceIndex, combine, enrich_from_parse, finish
from claimscope.claims.rules import extract_attributions, quote_regions
from claimscope.claims.speakers import SpeakerResolver
from claimscope.claims.types import classify
from claimscope.claims.world import world
from claimscope.demo import layer_paths
from claimscope.model import AnalysisResult, Claim, Span
from claimscope.pipeline import AnalysisDoc, Analyzer, register

log = logging.getLogger(__name__)

MIN_ASSERTION_WORDS = 6
FOCUS_SETTING = "analysis.focus_countries"  # e.g. ["Syria"]: whose government is "the government"


@lru_cache(maxsize=1)
def _checkworthiness_scorer():
    """The shipped check-worthiness model, or None when it is not installed."""
    try:
        from claimscope.nn.checkworthy import CheckworthinessScorer

        return CheckworthinessScorer.default()
    except Exception as exc:  # model files absent or unreadable: claims still work, unscored
        log.info("check-worthiness model unavailable: %s", exc)
        return None


@lru_cache(maxsize=1)
def _attribution_tagger():
    """The shipped attribution tagger, or None when it is not installed (rules only then)."""
    try:
        from claimscope.nn.attribution import AttributionTagger

        return AttributionTagger.default()
    except Exception as exc:  # model files absent or unreadable
        log.warning("attribution model unavailable, using the parse rules alone: %s", exc)
        return None


def strategy_in_use() -> str:
    """The attribution strategy the analyzer runs: the shipped one, or rules without the model."""
    if SHIPPED_STRATEGY != "rules" and _attribution_tagger() is None:
        return "rules"
    return SHIPPED_STRATEGY


@register
class ClaimsAnalyzer(Analyzer):
    name = "claims"
    version = "2"
    requires = ("sentences",)
    spacy_components = frozenset({"parser", "ner", "lemmatizer"})
    languages = frozenset({"en"})
    description = "Attributed claims (source, cue, content, speaker, type, polarity) and the outlet's own assertions."

    def __init__(self) -> None:
        # A new attribution model or strategy changes the claims, so it must trigger re-analysis.
        tagger = _attribution_tagger() if SHIPPED_STRATEGY != "rules" else None
        model = tagger.config.get("trained", tagger.config.get("model_version", "1")) if tagger is not None else "none"
        self.version = f"{ClaimsAnalyzer.version}+{strategy_in_use()}+attr-{model}"

    def analyze_batch(self, docs: Sequence[AnalysisDoc]) -> list[AnalysisResult]:
        strategy = strategy_in_use()
        if strategy == "rules":
            model_out: list[list[Attribution] | None] = [None] * len(docs)
        else:
            model_out = list(_attribution_tagger().extract_batch([d.text for d in docs]))
        results = [self.analyze_unscored(doc, model_atts, strategy) for doc, model_atts in zip(docs, model_out)]
        scorer = _checkworthiness_scorer()
        if scorer is not None:
            claims = [c for r in results for c in r.claims]
            if claims:
                for claim, score in zip(claims, scorer.score([c.text for c in claims])):
                    claim.checkworthiness = round(float(score), 4)
        return results

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        return self.analyze_batch([doc])[0]

    def analyze_unscored(self, doc: AnalysisDoc, model_attributions: list[Attribution] | None = None,
                         strategy: str = "rules") -> AnalysisResult:
        text = doc.text
        article_id = doc.article.id
        focus = doc.store.get_setting(FOCUS_SETTING, []) if doc.store is not None else []
        resolver = SpeakerResolver(doc.spacy, world(layer_paths(doc.store)), outlet=doc.article.outlet,
                                   focus_countries=focus)
        attributions = extract_attributions(doc.spacy)
        if model_attributions is not None:
            enriched = [enrich_from_parse(doc.spacy, a) for a in model_attributions]
            attributions = combine(strategy, enriched, attributions, SentenceIndex.of_doc(doc.spacy))
        attributions = finish(doc.spacy, attributions)
        claims: list[Claim] = []
        spans: list[Span] = []
        for att in attributions:
            speaker = resolver.resolve(att.source, att.source_kind, att.cue[0])
            content = text[att.content[0]:att.content[1]]
            cue_text = text[att.cue[0]:att.cue[1]]
            claim_type, polarity, hedged = classify(att.extra.get("cue_lemma"), content, speaker.kind,
                                                    bool(att.extra.get("negated")), _cue_context(text, att))
            attrs = {k: v for k, v in att.extra.items() if v not in (None, False)}
            if speaker.mention and speaker.mention != speaker.name:
                attrs["speaker_mention"] = speaker.mention
            claims.append(Claim(
                article_id=article_id, text=content, claim_type=claim_type, polarity=polarity,
                speaker=speaker.name, speaker_norm=speaker.norm, speaker_kind=speaker.kind,
                source_kind=speaker.source_kind if att.source_kind == "named" else att.source_kind,
                quote_type=att.quote_type,
                source_start=att.source[0] if att.source else None, source_end=att.source[1] if att.source else None,
                cue_start=att.cue[0], cue_end=att.cue[1], content_start=att.content[0], content_end=att.content[1],
                hedged=hedged, score=att.score, attrs=attrs,
            ))
            spans.append(Span(article_id, att.cue[0], att.cue[1], "attribution.cue", attrs={"text": cue_text}))
            spans.append(Span(article_id, att.content[0], att.content[1], "attribution.content"))
            if att.source:
                spans.append(Span(article_id, att.source[0], att.source[1], "attribution.source"))
        _counter_accusations(claims)
        claims.extend(self._outlet_assertions(doc, attributions))
        return AnalysisResult(claims=claims, spans=spans)

    def _outlet_assertions(self, doc: AnalysisDoc, attributions: list[Attribution]) -> list[Claim]:
        """Sentences the outlet states in its own voice: not part of any attribution."""
        covered = []
        for att in attributions:
            for rng in (att.cue, att.content, att.source):
                if rng:
                    covered.append(rng)
        quotes = quote_regions(doc.text)
        out = []
        for sent in doc.spacy.sents:
            start, end = _strip_range(doc.text, sent.start_char, sent.end_char)
            if end - start < 20 or any(a < end and start < b for a, b in covered):
                continue
            piece = doc.text[start:end]
            if "\n\n" in piece or piece.rstrip().endswith("?") or any(a <= start < b for a, b in quotes):
                continue
            words = piece.split()
            if len(words) < MIN_ASSERTION_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in sent):
                continue
            claim_type, polarity, hedged = classify(None, piece, "media")
            out.append(Claim(article_id=doc.article.id, text=piece, claim_type=claim_type, polarity=polarity,
                             speaker=doc.article.outlet, speaker_norm=doc.article.outlet, speaker_kind="media",
                             source_kind="outlet", quote_type=None, content_start=start, content_end=end,
                             hedged=hedged, score=0.5))
        return out


def _counter_accusations(claims: list[Claim]) -> None:
    """An accusation by a speaker who, in the same article, denies an allegation is a
    counter-accusation: it answers the allegation by pointing at someone else."""
    deniers = {c.speaker_norm for c in claims if c.claim_type == "denial" and c.speaker_norm}
    for claim in claims:
        if claim.claim_type == "allegation" and claim.speaker_norm in deniers:
            claim.claim_type = "counter_accusation"
        elif claim.claim_type == "allegation" and claim.speaker_kind in ("government", "armed_forces") and \
                claim.attrs.get("cue_lemma") in ("blame", "accuse", "hold", "charge"):
            claim.claim_type = "counter_accusation"


def _strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cue_context(text: str, att: Attribution) -> str:
    """The cue with the few words before it: catches "did not rule out", "categorically denied"."""
    return text[max(0, att.cue[0] - 25):att.cue[1]]
