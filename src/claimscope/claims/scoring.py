"""Scoring predicted attributions against gold ones, per role (source, cue, content).

Definitions (also in ``docs/attribution.md``):

*Spans of a role.* For one article, the spans of role R are the R ranges of all its
attributions (``source`` may be ``None`` and is then skipped). A role stored as several
fragments (``extra["<role>_parts"]``, e.g. a quote interrupted by "he said") is one span
whose *hull* runs from the first fragment's start to the last fragment's end. Spans are
collected as a set: the same range used by two attributions counts once.

*Exact match.* Each span is trimmed: whitespace and punctuation (quotes, brackets, ``.,;:!?``
and dashes) are removed from both edges of the hull. Zero-length spans (after trimming)
are dropped. A predicted span is a true positive if a gold span of the same role in the
same article has the same trimmed ``(start, end)``. Precision = TP / predicted spans,
recall = TP / gold spans, F1 = harmonic mean; counts are summed over the corpus (micro).

*Token overlap.* Tokens are the maximal runs of word characters (``\\w+``) in the article
text; punctuation is not a token. The gold token set of role R is every token that
shares at least one character with a gold R fragment (fragments, not hulls, so the
"he said" inside a split quote is not content); likewise the predicted set. Per article,
overlap = |gold ∩ predicted|; precision = overlap / |predicted|, recall = overlap / |gold|,
with overlap, |predicted| and |gold| summed over the corpus before dividing (micro).

Neither measure looks at which source/cue/content belong together; that is left to the
relation grouping, which is scored only through the hull of discontinuous contents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from claimscope.claims.attribution import Attribution, Range

ROLES = ("source", "cue", "content")
_WORD = re.compile(r"\w+")
_EDGE = set(" \t\r\n\u00a0\"'“”‘’«»„‟()[]{}<>.,;:!?-–—…*/")


def trim(text: str, span: Range) -> Range:
    """``span`` without whitespace/punctuation at either edge (may become empty)."""
    start, end = span
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def role_parts(attribution: Attribution, role: str) -> list[Range]:
    """Fragments of ``role`` (one range unless ``extra['<role>_parts']`` lists several)."""
    span = getattr(attribution, role)
    if span is None:
        return []
    return [tuple(p) for p in attribution.extra.get(f"{role}_parts", [span])]


def exact_spans(text: str, attributions: Iterable[Attribution], role: str) -> set[Range]:
    out = set()
    for a in attributions:
        span = getattr(a, role)
        if span is None:
            continue
        start, end = trim(text, tuple(span))
        if end > start:
            out.add((start, end))
    return out


def token_set(text: str, attributions: Iterable[Attribution], role: str, tokens: Sequence[Range]) -> set[int]:
    """Indices into ``tokens`` touched by any fragment of ``role``."""
    import bisect

    ends = [e for _, e in tokens]
    out: set[int] = set()
    for a in attributions:
        for start, end in role_parts(a, role):
            i = bisect.bisect_right(ends, start)  # first token ending after the fragment start
            while i < len(tokens) and tokens[i][0] < end:
                out.add(i)
                i += 1
    return out


@dataclass
class RoleCounts:
    exact_tp: int = 0
    exact_pred: int = 0
    exact_gold: int = 0
    overlap: int = 0
    pred_tokens: int = 0
    gold_tokens: int = 0

    def add(self, other: "RoleCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def metrics(self) -> dict[str, float]:
        return {
            **_prf("exact", self.exact_tp, self.exact_pred, self.exact_gold),
            "overlap_p": _ratio(self.overlap, self.pred_tokens),
            "overlap_r": _ratio(self.overlap, self.gold_tokens),
            "overlap_f1": _f1(_ratio(self.overlap, self.pred_tokens), _ratio(self.overlap, self.gold_tokens)),
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(prefix: str, tp: int, pred: int, gold: int) -> dict[str, float]:
    p, r = _ratio(tp, pred), _ratio(tp, gold)
    return {f"{prefix}_p": p, f"{prefix}_r": r, f"{prefix}_f1": _f1(p, r)}


def score_article(text: str, gold: Sequence[Attribution], predicted: Sequence[Attribution]) -> dict[str, RoleCounts]:
    """Counts for each role in one article (add them up with :class:`CorpusScore`)."""
    tokens = [m.span() for m in _WORD.finditer(text)]
    out = {}
    for role in ROLES:
        g, p = exact_spans(text, gold, role), exact_spans(text, predicted, role)
        gt, pt = token_set(text, gold, role, tokens), token_set(text, predicted, role, tokens)
        out[role] = RoleCounts(len(g & p), len(p), len(g), len(gt & pt), len(pt), len(gt))
    return out


@dataclass
class CorpusScore:
    """Micro-summed counts over articles; ``metrics()`` gives ``<role>_<exact|overlap>_<p|r|f1>``."""

    counts: dict[str, RoleCounts] = field(default_factory=lambda: {r: RoleCounts() for r in ROLES})
    articles: int = 0

    def add(self, text: str, gold: Sequence[Attribution], predicted: Sequence[Attribution]) -> dict[str, RoleCounts]:
        article = score_article(text, gold, predicted)
        for role, c in article.items():
            self.counts[role].add(c)
        self.articles += 1
        return article

    def metrics(self) -> dict[str, float]:
        out = {}
        for role in ROLES:
            for name, value in self.counts[role].metrics().items():
                out[f"{role}_{name}"] = value
        return out


def score_corpus(items: Iterable[tuple[str, Sequence[Attribution], Sequence[Attribution]]]) -> dict[str, float]:
    """``items`` = (text, gold, predicted) per article → flat metrics dict (see module doc)."""
    score = CorpusScore()
    for text, gold, predicted in items:
        score.add(text, gold, predicted)
    return score.metrics()
