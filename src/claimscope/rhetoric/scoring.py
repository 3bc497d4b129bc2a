"""Span-level scoring of persuasion-technique detection with partial-overlap credit.

This is the metric of Da San Martino et al. (2019), used by SemEval-2020 Task 11 and the
span variant of SemEval-2023 Task 3 / CheckThat! 2024 Task 3. With S the predicted spans,
T the gold spans, l(x) a span's technique and h a normaliser::

    C(s, t, h) = |s ∩ t| / h · δ(l(s), l(t))
    P = (1/|S|) Σ_{s∈S, t∈T} C(s, t, |s|)
    R = (1/|T|) Σ_{s∈S, t∈T} C(s, t, |t|)
    F1 = 2PR / (P + R)

Sums run over pairs in the same article. As in the official scorer, overlapping gold
spans with the same technique in one article are merged first, so one stretch of text
annotated twice is one span. Predicted spans that overlap with the same technique are
merged too (the official scorer rejects them unless run with ``-m``, which merges):
without this, a detector could repeat a span to inflate recall past 1.

The technique-agnostic score collapses every label into one ("any technique") before
merging, so it measures only *where* persuasion is, not *which* technique.

Spans are ``(technique, start, end)`` with ``end`` exclusive; extra tuple members (for
example a detector's confidence) are ignored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

AGNOSTIC_LABEL = "any_technique"

SpanTuple = tuple[str, int, int]
Annotations = Mapping[str, Iterable[Sequence]]  # article id -> [(technique, start, end, ...)]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the span counts they were computed over."""

    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "n_pred": self.n_pred, "n_gold": self.n_gold}


@dataclass(frozen=True)
class SpanScores:
    """Micro-averaged scores over all techniques plus one :class:`PRF` per technique."""

    micro: PRF
    per_technique: dict[str, PRF] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.micro.precision

    @property
    def recall(self) -> float:
        return self.micro.recall

    @property
    def f1(self) -> float:
        return self.micro.f1

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the techniques that occur in the gold data (0.0 if none do)."""
        present = [s.f1 for s in self.per_technique.values() if s.n_gold > 0]
        return sum(present) / len(present) if present else 0.0


def prf(prec_numerator: float, n_pred: int, rec_numerator: float, n_gold: int) -> PRF:
    """P, R, F1 from summed credit and span counts, with the official scorer's edge cases.

    Nothing predicted gives P = 0, nothing to find gives R = 0, F1 = 0 unless both are
    positive. When there is neither a prediction nor a gold span, the official scorer
    reports F1 = 1; we report P = R = F1 = 1 so the three agree ("nothing missed, nothing
    wrong").
    """
    if n_pred == 0 and n_gold == 0:
        return PRF(1.0, 1.0, 1.0, 0, 0)
    p = prec_numerator / n_pred if n_pred else 0.0
    r = rec_numerator / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0
    return PRF(p, r, f1, n_pred, n_gold)


def _checked(article_id: str, span: Sequence, role: str) -> SpanTuple:
    if len(span) < 3:
        raise ValueError(f"{role} span {span!r} in article {article_id!r}: expected (technique, start, end)")
    technique, start, end = str(span[0]), int(span[1]), int(span[2])
    if start < 0 or end <= start:
        raise ValueError(
            f"{role} span {technique} [{start}, {end}) in article {article_id!r}: "
            "offsets must satisfy 0 <= start < end (end is exclusive)"
        )
    return technique, start, end


def merge_overlapping(spans: Iterable[SpanTuple]) -> list[SpanTuple]:
    """Merge spans of the same technique that share at least one character.

    Spans that merely touch (``a.end == b.start``) stay apart, as in the official scorer,
    where spans are sets of character offsets and merged only when the sets intersect.
    """
    by_technique: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for technique, start, end in spans:
        by_technique[technique].append((start, end))
    merged: list[SpanTuple] = []
    for technique, intervals in by_technique.items():
        intervals.sort()
        cur_start, cur_end = intervals[0]
        for start, end in intervals[1:]:
            if start < cur_end:  # shares a character with the current run
                cur_end = max(cur_end, end)
            else:
                merged.append((technique, cur_start, cur_end))
                cur_start, cur_end = start, end
        merged.append((technique, cur_start, cur_end))
    merged.sort(key=lambda s: (s[1], s[2], s[0]))
    return merged


def _prepare(annotations: Annotations, role: str, agnostic: bool, merge: bool) -> dict[str, list[SpanTuple]]:
    prepared: dict[str, list[SpanTuple]] = {}
    for article_id, spans in annotations.items():
        checked = [_checked(article_id, s, role) for s in spans]
        if agnostic:
            checked = [(AGNOSTIC_LABEL, start, end) for _, start, end in checked]
        prepared[str(article_id)] = merge_overlapping(checked) if merge and checked else checked
    return prepared


def score_spans(
    predictions: Annotations,
    gold: Annotations,
    *,
    technique_aware: bool = True,
    merge_predictions: bool = True,
) -> SpanScores:
    """Score predicted spans against gold spans; both map article id -> spans.

    Every article of ``gold`` counts (an article missing from ``predictions`` is one where
    nothing was predicted); a predicted article absent from ``gold`` is an error, because
    its spans could be neither right nor wrong. ``technique_aware=False`` gives the
    technique-agnostic score. ``merge_predictions=False`` keeps overlapping predicted spans
    of one technique apart (only for inspecting a detector; the benchmark merges).
    """
    unknown = sorted(set(map(str, predictions)) - set(map(str, gold)))
    if unknown:
        raise ValueError(f"predictions for articles with no gold annotations: {unknown[:10]}"
                         f"{' ...' if len(unknown) > 10 else ''} (pass gold for every scored article, "
                         "an empty list where it has no spans)")
    agnostic = not technique_aware
    pred = _prepare(predictions, "predicted", agnostic, merge_predictions)
    ref = _prepare(gold, "gold", agnostic, True)

    prec_credit: dict[str, float] = defaultdict(float)
    rec_credit: dict[str, float] = defaultdict(float)
    n_pred: dict[str, int] = defaultdict(int)
    n_gold: dict[str, int] = defaultdict(int)

    for article_id, gold_spans in ref.items():
        gold_by_technique: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for technique, start, end in gold_spans:
            gold_by_technique[technique].append((start, end))
            n_gold[technique] += 1
        for technique, p_start, p_end in pred.get(article_id, []):
            n_pred[technique] += 1
            p_len = p_end - p_start
            for g_start, g_end in gold_by_technique.get(technique, ()):
                overlap = min(p_end, g_end) - max(p_start, g_start)
                if overlap > 0:
                    prec_credit[technique] += overlap / p_len
                    rec_credit[technique] += overlap / (g_end - g_start)

    techniques = sorted(set(n_pred) | set(n_gold))
    per_technique = {t: prf(prec_credit[t], n_pred[t], rec_credit[t], n_gold[t]) for t in techniques}
    micro = prf(sum(prec_credit.values()), sum(n_pred.values()),
                sum(rec_credit.values()), sum(n_gold.values()))
    return SpanScores(micro=micro, per_technique=per_technique if technique_aware else {})


def evaluate(predictions: Annotations, gold: Annotations) -> dict[str, SpanScores]:
    """Both standard views: ``{"technique": technique-aware, "span": technique-agnostic}``."""
    return {
        "technique": score_spans(predictions, gold, technique_aware=True),
        "span": score_spans(predictions, gold, technique_aware=False),
    }


def format_table(scores: SpanScores, title: str = "technique") -> str:
    """Plain-text per-technique P/R/F1 table, most frequent gold technique first."""
    rows = sorted(scores.per_technique.items(), key=lambda kv: (-kv[1].n_gold, kv[0]))
    width = max([len(title), len("micro")] + [len(t) for t, _ in rows])
    lines = [f"{title:<{width}}  {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
    for technique, s in rows + [("micro", scores.micro)]:
        lines.append(f"{technique:<{width}}  {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.n_pred:6d} {s.n_gold:6d}")
    return "\n".join(lines)
