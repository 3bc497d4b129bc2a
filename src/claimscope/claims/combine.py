"""Combining the trained attribution tagger with the dependency-parse rules.

``bench/attribution.py`` scores the tagger alone, the rules alone and the combinations
below on PolNeAR dev; :data:`SHIPPED_STRATEGY` is the one that scored best there and is what
the claims analyzer runs (``tests/test_attribution_combine.py`` checks the two agree).

* ``model``: the tagger's attributions;
* ``rules``: the rules' attributions;
* ``model+rules_fill``: the tagger's, plus rule attributions whose cue lies in a sentence
  where the tagger found no cue and which touch none of the tagger's spans;
* ``rules+model_fill``: the same with the roles swapped;
* ``model+rules_disjoint``: the tagger's, plus rule attributions touching none of its spans.

In both ``model+rules_*`` strategies a tagger attribution first borrows from the rule
attribution sharing its cue (:func:`borrow_from_rules`): a source where it has none, and the
cue's parse facts.

Attributions from the tagger carry no parse information; :func:`enrich_from_parse` adds what
the claim-type classifier needs (the cue's lemma, whether the cue verb is negated, passive).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from claimscope.claims.attribution import Attribution, Range
from claimscope.claims.rules import clean_source, doc_text

STRATEGIES = ("model", "rules", "model+rules_fill", "rules+model_fill", "model+rules_disjoint")
# Set from bench/results/attribution.json ("shipped"): the best mean exact F1 on PolNeAR dev.
SHIPPED_STRATEGY = "model+rules_disjoint"

ROLES = ("source", "cue", "content")


class SentenceIndex:
    """Which sentence a character offset falls in (from sentence start offsets)."""

    def __init__(self, starts: list[int]):
        self.starts = starts

    @classmethod
    def of_doc(cls, doc) -> "SentenceIndex":
        return cls([s.start_char for s in doc.sents])

    def of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1


def _parts(att: Attribution) -> list[Range]:
    """Every character range of every role (a split quote's fragments, not its hull)."""
    out: list[Range] = []
    for role in ROLES:
        rng = getattr(att, role)
        if rng is not None:
            out.extend(tuple(p) for p in att.extra.get(f"{role}_parts", [rng]))
    return out


def _overlap(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _touches(att: Attribution, taken: list[Range]) -> bool:
    """Whether ``att`` shares a character with ``taken``, except where its content wholly
    contains what it meets: an attribution nested in another's content ("X has affirmed that
    ..., the ministry said") leaves the outer one standing."""
    content_parts = {tuple(p) for p in att.extra.get("content_parts", [att.content])}
    for s, e in _parts(att):
        for ts, te in taken:
            if s < te and ts < e and not ((s, e) in content_parts and s <= ts and te <= e):
                return True
    return False


def fill(primary: list[Attribution], secondary: list[Attribution], sentences: SentenceIndex) -> list[Attribution]:
    """``primary`` plus ``secondary`` attributions whose cue sits in a sentence without a
    primary cue and which overlap nothing of ``primary`` (so no character gets two roles)."""
    busy = {sentences.of(a.cue[0]) for a in primary}
    taken = [p for a in primary for p in _parts(a)]
    extra = [a for a in secondary if sentences.of(a.cue[0]) not in busy and not _touches(a, taken)]
    return sorted(primary + extra, key=lambda a: a.cue)


def disjoint(primary: list[Attribution], secondary: list[Attribution]) -> list[Attribution]:
    taken = [p for a in primary for p in _parts(a)]
    return sorted(primary + [a for a in secondary if not _touches(a, taken)], key=lambda a: a.cue)


def borrow_from_rules(model: list[Attribution], rules: list[Attribution]) -> list[Attribution]:
    """Give each tagger attribution what the rule attribution it agrees with knows and the
    tagger cannot.

    * Same cue: the source of a participle or conjunct cue (", stating that ...": the
      governing clause's subject, which the tagger leaves empty) and the cue's parse facts
      (lemma, negation, voice, medium).
    * Same content, but the tagger found no source: the rule's cue and source replace the
      tagger's (the parse anchors "The statement further noted that ..." where the tagger
      took a verb inside the content for the cue)."""
    out = []
    for att in model:
        att = replace(att, extra=dict(att.extra))  # callers may combine the same tagger output twice
        twin = next((r for r in rules if _overlap(r.cue, att.cue)), None)
        if twin is None and att.source is None:
            twin = next((r for r in rules if r.source is not None and _mostly_same(r.content, att.content)), None)
            if twin is not None:
                att.cue, att.extra = twin.cue, {}
        if twin is not None:
            att.extra = {**twin.extra, **att.extra}
            if att.source is None and twin.source is not None and not _overlap(twin.source, att.content):
                att.source, att.source_kind = twin.source, twin.source_kind
        out.append(att)
    return out


def _mostly_same(a: Range, b: Range) -> bool:
    """Two ranges sharing at least half of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and 2 * shared >= min(a[1] - a[0], b[1] - b[0])


def combine(strategy: str, model: list[Attribution], rules: list[Attribution],
            sentences: SentenceIndex) -> list[Attribution]:
    if strategy == "model":
        return list(model)
    if strategy == "rules":
        return list(rules)
    if strategy == "model+rules_fill":
        return fill(borrow_from_rules(model, rules), rules, sentences)
    if strategy == "rules+model_fill":
        return fill(rules, model, sentences)
    if strategy == "model+rules_disjoint":
        return disjoint(borrow_from_rules(model, rules), rules)
    raise ValueError(f"unknown attribution strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")


# Tokens a cue takes in when they stand right before its verb: auxiliaries, adverbs and the
# particles "not"/"to" ("has also said", "did not deny", "declined to comment"). PolNeAR's
# annotators include them: in 150 random train articles 971 such tokens were inside cues and
# 51 outside (possessive 's aside). Neither the tagger nor the rules reliably did.
CUE_LEAD_POS = frozenset({"AUX", "ADV", "PART"})


def extend_cue(doc, att: Attribution) -> Attribution:
    """Widen a verbal cue leftwards over the auxiliaries, adverbs and particles right before it
    in its sentence, never into the source or across punctuation."""
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    if span is None or len(span) == 0 or span[0].pos_ not in ("VERB", "AUX"):
        return att
    first = span[0]
    start = None
    j = first.i - 1
    while j >= first.sent.start:
        tok = doc[j]
        if tok.pos_ not in CUE_LEAD_POS or tok.tag_ == "POS" or not any(ch.isalpha() for ch in tok.text):
            break
        if att.source is not None and att.source[0] <= tok.idx < att.source[1]:
            break
        if doc.text[tok.idx + len(tok.text):start if start is not None else first.idx].strip():
            break  # something (a comma, a quote) stands between this token and the cue
        start = tok.idx
        j -= 1
    if start is None:
        return att
    extra = dict(att.extra)
    if extra.get("cue_parts"):
        parts = extra["cue_parts"]
        extra["cue_parts"] = [(start, parts[0][1]), *[tuple(p) for p in parts[1:]]]
    return replace(att, cue=(start, att.cue[1]), extra=extra)


def finish(doc, attributions: list[Attribution]) -> list[Attribution]:
    """The last step of every attribution system with a parse (the claims analyzer and
    ``bench/attribution.py`` both call it): cue spans follow the annotation convention above."""
    return [extend_cue(doc, a) for a in attributions]


def enrich_from_parse(doc, att: Attribution) -> Attribution:
    """Give a tagger attribution the parse facts the rules record: the cue's lemma (the
    first verb of the cue, else "according to" or its last word), negation and voice."""
    if att.extra.get("cue_lemma"):
        return att
    if att.source is not None:  # the tagger may take a dateline ("DAMASCUS, (ST)- Syria") into the source
        source = clean_source(doc_text(doc), att.source)
        att.source = source if source[0] < source[1] else None
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    if span is None or len(span) == 0:
        return att
    lower = span.text.lower()
    if "according to" in lower:
        att.extra["cue_lemma"] = "according to"
        return att
    # "has strongly dismissed": the lexical verb, not the auxiliary, says what kind of act it is
    verbs = [t for t in span if t.pos_ == "VERB"] or [t for t in span if t.pos_ == "AUX"]
    head = verbs[0] if verbs else span.root
    att.extra["cue_lemma"] = head.lemma_.lower()
    att.extra["negated"] = any(c.dep_ == "neg" for c in head.children) or any(t.dep_ == "neg" for t in span)
    att.extra["passive"] = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
    return att
