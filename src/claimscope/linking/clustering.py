"""Cluster incident mentions from many articles into incidents.

Two phases, so that vague mentions cannot chain distinct incidents together:

1. *anchored* mentions (a date and a place) are merged pair by pair, strongest evidence first,
   and two groups are only joined when no member of one conflicts with any member of the other
   (a complete-linkage guard: a week-precision report may overlap two different days, but
   those two days still never end up in one incident);
2. *floating* mentions (no date or no place) join the one group they fit; when several groups
   fit about equally well they stay apart rather than guess. Floating mentions that fit no
   group are then clustered among themselves the same way as in phase 1.

Candidate pairs are blocked by event-type family and date, so the work grows with the number
of mentions that could be the same incident, not with the square of the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from claimscope.linking.rules import FORECAST, PairCheck, compare, has_place, interval

# A floating mention joins the best-fitting group only if it beats the runner-up by this much,
# and only on evidence at least this strong (a town-level place match: "somewhere in the
# country" or a governorate alone says too little about which incident is meant).
FLOAT_MARGIN = 1.0
FLOAT_MIN_SUPPORT = 2.0


def mention_key(mention: dict[str, Any]) -> str:
    """A mention's identity that survives re-analysis (row ids do not): article and trigger span."""
    return f"{mention['article_id']}:{int(mention.get('start') or 0)}:{int(mention.get('end') or 0)}"


@dataclass
class Group:
    """A cluster of mention ids with the evidence of each merge that built it."""

    members: list[int]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    locked: bool = False


def _family(event_type: str) -> str:
    try:
        from claimscope.incidents.taxonomy import EVENT_TYPES

        t = EVENT_TYPES.get(event_type)
        return t.family if t else "unknown"
    except ImportError:
        return "unknown"


class _Clusterer:
    def __init__(self, mentions: dict[int, dict[str, Any]]):
        self.m = mentions
        self.parent = {i: i for i in mentions}
        self.groups: dict[int, Group] = {i: Group([i]) for i in mentions}
        self._cache: dict[tuple[int, int], PairCheck] = {}

    def check(self, a: int, b: int) -> PairCheck:
        key = (a, b) if a < b else (b, a)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = compare(self.m[key[0]], self.m[key[1]])
        return found

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict_between(self, ra: int, rb: int) -> str | None:
        for x in self.groups[ra].members:
            for y in self.groups[rb].members:
                c = self.check(x, y)
                if c.conflict:
                    return c.conflict
        return None

    def union(self, a: int, b: int, evidence: dict[str, Any]) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.groups[ra].members) < len(self.groups[rb].members):
            ra, rb = rb, ra
        self.parent[rb] = ra
        ga, gb = self.groups[ra], self.groups.pop(rb)
        ga.members += gb.members
        ga.evidence += gb.evidence + [evidence]
        ga.locked = ga.locked or gb.locked
        return ra

    def merge_pairs(self, pairs: Iterable[tuple[int, int]]) -> None:
        scored = []
        for a, b in pairs:
            c = self.check(a, b)
            if c.linkable:
                scored.append((-c.support, a, b, c))
        scored.sort(key=lambda t: (t[0], t[1], t[2]))
        for _, a, b, c in scored:
            ra, rb = self.find(a), self.find(b)
            if ra == rb or self.conflict_between(ra, rb):
                continue
            self.union(a, b, _evidence(self.m[a], self.m[b], c))


def _evidence(a: dict[str, Any], b: dict[str, Any], c: PairCheck) -> dict[str, Any]:
    return {"kind": "rule", "mentions": [a["id"], b["id"]], "articles": [a["article_id"], b["article_id"]],
            "support": round(c.support, 2), "reasons": list(c.reasons)}


def candidate_pairs(ids: list[int], mentions: dict[int, dict[str, Any]]) -> Iterable[tuple[int, int]]:
    """Pairs that could be one incident: same type family block, overlapping (padded) dates."""
    blocks: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i in ids:
        m = mentions[i]
        blocks[(_family(str(m.get("event_type") or "unspecified")), str(m.get("modality")) in FORECAST)].append(i)
    # "unknown"-family (unspecified) mentions may pair with any family of the same modality
    for (family, forecast), members in list(blocks.items()):
        if family == "unknown":
            for (other, f2), more in list(blocks.items()):
                if other != "unknown" and f2 == forecast:
                    yield from _sweep(members + more, mentions, only_across=set(members))
    for members in blocks.values():
        yield from _sweep(members, mentions)


def _sweep(ids: list[int], mentions: dict[int, dict[str, Any]], only_across: set[int] | None = None):
    slack = timedelta(days=70)  # wider than any date tolerance in rules.py
    dated = []
    for i in ids:
        iv = interval(mentions[i])
        if iv is not None:
            dated.append((iv[0] - slack, iv[1] + slack, i))
    dated.sort()
    active: list[tuple] = []
    for start, end, i in dated:
        active = [t for t in active if t[1] >= start]
        for _, _, j in active:
            if only_across is None or ((i in only_across) != (j in only_across)):
                yield (j, i) if j < i else (i, j)
        active.append((start, end, i))


def cluster(mentions: list[dict[str, Any]]) -> list[Group]:
    """Group mention rows (with ``published_at``) into incidents; returns groups with evidence."""
    by_id = {int(m["id"]): m for m in mentions}
    cl = _Clusterer(by_id)
    anchored = [i for i, m in by_id.items() if interval(m) is not None and has_place(m)]
    floating = [i for i in by_id if i not in set(anchored)]
    cl.merge_pairs(candidate_pairs(anchored, by_id))

    # phase 2: floating mentions join the single group they fit best
    family_of = {i: _family(str(by_id[i].get("event_type") or "unspecified")) for i in by_id}
    leftovers = []
    for i in sorted(floating, key=lambda i: (interval(by_id[i]) is None, i)):
        options = []
        roots = {cl.find(j) for j in anchored
                 if family_of[j] == family_of[i] or "unknown" in (family_of[i], family_of[j])}
        for root in roots:
            best: tuple[PairCheck, int] | None = None
            for j in cl.groups[root].members:
                c = cl.check(i, j)
                if c.conflict:
                    best = None
                    break
                if c.linkable and c.support >= FLOAT_MIN_SUPPORT and (best is None or c.support > best[0].support):
                    best = (c, j)
            else:
                if best is not None:
                    options.append((best[0].support, root, best[1], best[0]))
        options.sort(key=lambda t: (-t[0], t[1]))
        if options and (len(options) == 1 or options[0][0] - options[1][0] >= FLOAT_MARGIN):
            _, root, j, c = options[0]
            ev = _evidence(by_id[i], by_id[j], c)
            if len(options) > 1:
                ev["reasons"].append(f"the best fit of {len(options)} candidate incidents")
            cl.union(i, j, ev)
        else:
            leftovers.append(i)
    # floating mentions that fit no anchored group: among themselves (all pairs; they are few)
    pairs = [(a, b) for n, a in enumerate(leftovers) for b in leftovers[n + 1:]]
    cl.merge_pairs(pairs)
    groups = list(cl.groups.values())
    for g in groups:
        g.members.sort()
    groups.sort(key=lambda g: g.members[0])
    return groups
