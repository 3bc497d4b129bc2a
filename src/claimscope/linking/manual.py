"""Users' incident merges and splits: recorded in manual_edits, replayed after every clustering.

An edit names mentions by their stable keys (article + trigger span), not by row ids, because
re-analysis recreates mention rows. Edits are replayed in the order they were made on top of
the automatic clustering, so a later edit wins over an earlier one, and the incidents they touch
are marked ``locked``. A key that no longer matches exactly (a new extractor moved the trigger
a few characters) falls back to an overlapping mention of the same article; an edit none of
whose mentions survive is reported as stale and otherwise ignored.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claimscope.linking.clustering import Group, mention_key

MERGE = "incident_merge"
SPLIT = "incident_split"


class _Keys:
    def __init__(self, mentions: dict[int, dict[str, Any]]):
        self.exact = {mention_key(m): i for i, m in mentions.items()}
        self.by_article: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for i, m in mentions.items():
            self.by_article[m["article_id"]].append((int(m.get("start") or 0), int(m.get("end") or 0), i))

    def resolve(self, keys: list[str]) -> list[int]:
        out = []
        for key in keys:
            if key in self.exact:
                out.append(self.exact[key])
                continue
            try:
                article, start, end = key.rsplit(":", 2)
                start, end = int(start), int(end)
            except ValueError:
                continue
            overlapping = [(min(e, end) - max(s, start), i) for s, e, i in self.by_article.get(article, [])
                           if s < end and start < e]
            if overlapping:
                out.append(max(overlapping)[1])
        return list(dict.fromkeys(out))


def apply_edits(groups: list[Group], mentions: dict[int, dict[str, Any]],
                edits: list[dict[str, Any]]) -> tuple[list[Group], list[str]]:
    """Replay merge/split edits (rows of manual_edits) over automatic groups, in order."""
    keys = _Keys(mentions)
    warnings: list[str] = []
    groups = [g for g in groups]
    for edit in edits:
        payload, kind = edit["payload"], edit["kind"]
        where = {g_i: g for g_i, g in enumerate(groups)}
        member_of = {m: g_i for g_i, g in where.items() for m in g.members}
        if kind == MERGE:
            ids = keys.resolve(payload.get("keys", []))
            involved = sorted({member_of[i] for i in ids if i in member_of})
            if len(ids) == 0:
                warnings.append(f"manual edit {edit['id']} (merge of incidents {payload.get('incidents')}) "
                                "no longer matches any mention")
                continue
            target = groups[involved[0]]
            for g_i in involved[1:]:
                target.members += groups[g_i].members
                target.evidence += groups[g_i].evidence
            target.members.sort()
            target.locked = True
            target.evidence.append({"kind": "manual", "action": "merge", "edit": edit["id"],
                                    "incidents": payload.get("incidents"), "at": edit.get("created_at"),
                                    "author": edit.get("author")})
            groups = [g for g_i, g in enumerate(groups) if g_i not in involved[1:]]
        elif kind == SPLIT:
            ids = set(keys.resolve(payload.get("mention_keys", [])))
            if not ids:
                warnings.append(f"manual edit {edit['id']} (split of incident {payload.get('incident')}) "
                                "no longer matches any mention")
                continue
            new_groups = []
            for g in groups:
                taken = [m for m in g.members if m in ids]
                if not taken or len(taken) == len(g.members):
                    new_groups.append(g)
                    continue
                g.members = [m for m in g.members if m not in ids]
                # evidence about a merge that no longer holds would mislead
                g.evidence = [e for e in g.evidence if e.get("kind") != "rule" or not set(e["mentions"]) & ids]
                g.locked = True
                g.evidence.append({"kind": "manual", "action": "split", "edit": edit["id"],
                                   "removed_mentions": taken, "at": edit.get("created_at")})
                new_groups.append(g)
            split_off = Group(sorted(ids), [{"kind": "manual", "action": "split off", "edit": edit["id"],
                                             "from_incident": payload.get("incident"),
                                             "at": edit.get("created_at")}], locked=True)
            # the split-off mentions form one group of their own
            new_groups = [g for g in new_groups if not set(g.members) <= ids]
            new_groups.append(split_off)
            groups = new_groups
        else:
            warnings.append(f"manual edit {edit['id']}: unknown kind {kind!r}")
    return [g for g in groups if g.members], warnings


def stable_ids(keysets: list[set[str]], previous: dict[int, set[str]], next_id: int) -> tuple[list[int], int]:
    """Give each new cluster the id of the earlier record it shares the most member keys with.

    ``previous`` maps stored ids to their member keys. Ids are never reused for something
    else: fresh ones come from ``next_id`` upward (past every id seen)."""
    overlaps = []
    for g_i, gk in enumerate(keysets):
        for old_id, keys in previous.items():
            shared = len(gk & keys)
            if shared:
                overlaps.append((-shared, old_id, g_i))
    overlaps.sort()
    ids: list[int | None] = [None] * len(keysets)
    used: set[int] = set()
    for _, old_id, g_i in overlaps:
        if ids[g_i] is None and old_id not in used:
            ids[g_i] = old_id
            used.add(old_id)
    next_id = max([next_id, 1, *(i + 1 for i in previous)])
    for g_i in range(len(keysets)):
        if ids[g_i] is None:
            ids[g_i] = next_id
            next_id += 1
    return [int(i) for i in ids], next_id


def assign_ids(groups: list[Group], mentions: dict[int, dict[str, Any]], previous: dict[int, set[str]],
               next_id: int) -> tuple[list[int], int]:
    """Incident ids for groups of mentions, carried over from the stored incidents' mention keys."""
    return stable_ids([{mention_key(mentions[m]) for m in g.members} for g in groups], previous, next_id)
