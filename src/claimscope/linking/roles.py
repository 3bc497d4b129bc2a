"""Which claims speak about which incident, and in what role (alleged, denied, ...).

Claims reach an incident through the incidents analyzer's ``claim_incident`` links (claim ->
mention). Their stance comes from ``stance`` links (claim -> mention or incident, labels
supports / denies / counter_accuses / neutral, written by the stance component) when present;
otherwise it falls back on the claim's own type: an allegation alleges, a denial denies, a
counter-accusation counter-accuses, an assertion or estimate corroborates (a negated one denies).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

ROLES = ("alleged", "denied", "counter_accused", "corroborated", "reported")
SUPPORTING = frozenset({"alleged", "corroborated"})
OPPOSING = frozenset({"denied", "counter_accused"})

_BY_TYPE = {"allegation": "alleged", "denial": "denied", "counter_accusation": "counter_accused",
            "assertion": "corroborated", "estimate": "corroborated"}
_STANCES = {"supports", "denies", "counter_accuses", "neutral"}


def role_of(claim: dict[str, Any], stance: str | None) -> str:
    """The dossier column of a claim given its stance label (None: fall back on its type)."""
    ctype = str(claim.get("claim_type") or "")
    if stance in _STANCES:
        if stance == "denies":
            return "denied"
        if stance == "counter_accuses":
            return "counter_accused"
        if stance == "neutral":
            return "reported"
        return "alleged" if ctype in ("allegation", "counter_accusation") else "corroborated"
    role = _BY_TYPE.get(ctype, "reported")
    if role == "corroborated" and str(claim.get("polarity")) == "negates":
        return "denied"
    return role


def claim_incidents(links: list[dict[str, Any]], mention_incident: dict[int, int]) -> dict[int, set[int]]:
    """claim id -> incident ids, from claim -> mention links."""
    out: dict[int, set[int]] = defaultdict(set)
    for link in links:
        if link["from_type"] != "claim":
            continue
        if link["to_type"] == "mention":
            inc = mention_incident.get(int(link["to_id"]))
            if inc is not None:
                out[int(link["from_id"])].add(inc)
        elif link["to_type"] == "incident":
            out[int(link["from_id"])].add(int(link["to_id"]))
    return out


def stance_labels(links: list[dict[str, Any]], mention_incident: dict[int, int]) -> dict[tuple[int, int], tuple[str, str]]:
    """(claim id, incident id) -> (stance label, producer) from stored stance links."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for link in links:
        if link["from_type"] != "claim" or link.get("label") not in _STANCES:
            continue
        if link["to_type"] == "mention":
            inc = mention_incident.get(int(link["to_id"]))
        elif link["to_type"] == "incident":
            inc = int(link["to_id"])
        else:
            continue
        if inc is not None:
            out[(int(link["from_id"]), inc)] = (link["label"], link.get("producer") or "stance")
    return out
