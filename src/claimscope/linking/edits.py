"""Manual incident merge and split: record the edit, then rebuild so every view agrees.

The edit is stored in ``manual_edits`` (replayed by every later ``link`` run, see manual.py)
and the linking stage is re-run at once, with the incidents' stored membership adjusted so
that a merge keeps the first incident's id and a split leaves the original id to the rest.
"""

from __future__ import annotations

from claimscope.linking.clustering import mention_key
from claimscope.linking.manual import MERGE, SPLIT
from claimscope.linking.stage import LinkReport, link
from claimscope.store.base import Store


class EditError(ValueError):
    """A merge or split that cannot be done, explained for the user."""


def _mentions(store: Store, incident_id: int) -> list[dict]:
    if store.incident(incident_id) is None:
        raise EditError(f"no incident {incident_id}; list incidents with 'claimscope incidents'")
    return store.mentions_of_incident(incident_id)


def merge_incidents(store: Store, keep: int, other: int, *, author: str | None = None) -> LinkReport:
    """Declare two incidents one: ``other``'s mentions join ``keep`` (now and in later runs)."""
    if int(keep) == int(other):
        raise EditError(f"cannot merge incident {keep} with itself")
    keys_keep = [mention_key(m) for m in _mentions(store, keep)]
    keys_other = [mention_key(m) for m in _mentions(store, other)]
    store.add_manual_edit(MERGE, {"incidents": [int(keep), int(other)], "keys": keys_keep + keys_other},
                          author=author)
    return link(store, force=True, membership_overrides={int(keep): keys_keep + keys_other, int(other): None})


def split_incident(store: Store, incident_id: int, mention_ids: list[int], *,
                   author: str | None = None) -> LinkReport:
    """Take mentions out of an incident into a new one of their own (now and in later runs)."""
    members = _mentions(store, incident_id)
    by_id = {int(m["id"]): m for m in members}
    unknown = [m for m in mention_ids if int(m) not in by_id]
    if unknown:
        raise EditError(f"mention(s) {', '.join(map(str, unknown))} are not in incident {incident_id}; "
                        f"its mentions are {', '.join(map(str, sorted(by_id)))}")
    if len(set(map(int, mention_ids))) == len(by_id):
        raise EditError(f"splitting every mention out of incident {incident_id} would change nothing")
    moved = [mention_key(by_id[int(m)]) for m in mention_ids]
    rest = [mention_key(m) for i, m in by_id.items() if i not in set(map(int, mention_ids))]
    store.add_manual_edit(SPLIT, {"incident": int(incident_id), "mention_keys": moved, "rest_keys": rest},
                          author=author)
    return link(store, force=True, membership_overrides={int(incident_id): rest})
