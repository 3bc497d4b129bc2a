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

Attributions from the tagger carry no parse information; :func:`enrich_from_parse` adds what
the claim-type classifier needs (the cue's lemma, whether the cue verb is negated, passive).
"""

from __future__ import annotations

from bisect import bisect_right
from claimscope.claims.attribution import Attribution, Range

STRATEGIES = ("model", "rules", "model+rules_fill", "rules+model_fill", "model+rules_disjoint")
# Set from bench/results/attribution.json ("shipped"): the best mean exact F1 on PolNeAR dev.
SHIPPED_STRATEGY = "model+rules_fill"

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


def _touches(att: Attribution, taken: list[Range]) -> bool:
    return any(s < te and ts < e for s, e in _parts(att) for ts, te in taken)


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


def combine(strategy: str, model: list[Attribution], rules: list[Attribution],
            sentences: SentenceIndex) -> list[Attribution]:
    if strategy == "model":
        return list(model)
    if strategy == "rules":
        return list(rules)
    if strategy == "model+rules_fill":
        return fill(model, rules, sentences)
    if strategy == "rules+model_fill":
        return fill(rules, model, sentences)
    if strategy == "model+rules_disjoint":
        return disjoint(model, rules)
    raise ValueError(f"unknown attribution strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")


def enrich_from_parse(doc, att: Attribution) -> Attribution:
    """Give a tagger attribution the parse facts the rules record: the cue's lemma (the
    first verb of the cue, else "according to" or its last word), negation and voice."""
    if att.extra.get("cue_lemma"):
        return att
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    if span is None or len(span) == 0:
        return att
    lower = span.text.lower()
    if "according to" in lower:
        att.extra["cue_lemma"] = "according to"
        return att
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
    head = verbs[0] if verbs else span.root
    att.extra["cue_lemma"] = head.lemma_.lower()
    att.extra["negated"] = any(c.dep_ == "neg" for c in head.children) or any(t.dep_ == "neg" for t in span)
    att.extra["passive"] = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
    return att
