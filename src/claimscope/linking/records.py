"""Turn a group of mentions into an incident record: type, weapon, date, place and label."""

from __future__ import annotations

from collections import Counter
from typing import Any

from claimscope.linking.clustering import Group, mention_key
from claimscope.linking.rules import _DATE_RANK, _PRECISION_RANK, interval

_MODALITY_RANK = {"fact": 0, "alleged": 1, "denied": 2, "anticipated": 3, "hypothetical": 4}


def main_mention(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The mention that best describes the incident: an article's main incident first, then
    the most precise place and date, then the earliest article."""
    def rank(m: dict[str, Any]):
        return (not m.get("is_main"), _PRECISION_RANK.get(str(m.get("geo_precision")), 9),
                _DATE_RANK.get(str(m.get("date_precision")), 9), _MODALITY_RANK.get(str(m.get("modality")), 5),
                str(m.get("published_at") or "9999"), int(m["id"]))
    return min(members, key=rank)


def _event_type(members: list[dict[str, Any]]) -> str:
    types = [str(m.get("event_type") or "unspecified") for m in members]
    try:
        from claimscope.incidents.taxonomy import EVENT_TYPES

        known = [t for t in types if t in EVENT_TYPES]
        if known:
            # the most specific type that a majority-compatible set supports
            return max(known, key=lambda t: (EVENT_TYPES[t].specificity, types.count(t)))
    except ImportError:
        pass
    return Counter(types).most_common(1)[0][0]


def _agent(members: list[dict[str, Any]]) -> str | None:
    agents = [m["agent"] for m in members if m.get("agent")]
    if not agents:
        return None
    try:
        from claimscope.incidents.taxonomy import AGENTS

        rank = {a.name.lower(): a.rank for a in AGENTS}
    except ImportError:
        rank = {}
    counts = Counter(agents)
    return max(counts, key=lambda a: (rank.get(a.lower(), 0), counts[a]))


def _label(main: dict[str, Any], event_type: str, agent: str | None, date: str | None) -> str:
    label = main.get("attrs", {}).get("label") if isinstance(main.get("attrs"), dict) else None
    if label:
        return str(label)
    try:
        from claimscope.incidents.taxonomy import EVENT_TYPES

        what = EVENT_TYPES[event_type].label if event_type in EVENT_TYPES else event_type.replace("_", " ")
    except ImportError:
        what = event_type.replace("_", " ")
    if agent and agent.lower() not in what.lower():
        what = f"{what} ({agent})"
    where = main.get("place_name")
    text = what + (f" in {where}" if where else "")
    if main.get("modality") in ("anticipated", "hypothetical"):
        text = f"{main['modality'].capitalize()}: {text}"
    return text + (f", {date}" if date else "")


def incident_record(incident_id: int, group: Group, mentions: dict[int, dict[str, Any]]) -> dict[str, Any]:
    members = [mentions[i] for i in group.members]
    main = main_mention(members)
    event_type = _event_type(members)
    agent = _agent(members)
    # the date: the intersection of the precise mentions' intervals, else the main mention's
    dated = [m for m in members if interval(m) is not None]
    date_start = date_end = None
    precision = "unknown"
    if dated:
        best = min(_DATE_RANK.get(str(m.get("date_precision")), 5) for m in dated)
        precise = [m for m in dated if _DATE_RANK.get(str(m.get("date_precision")), 5) == best]
        ivs = [interval(m) for m in precise]
        lo, hi = max(iv[0] for iv in ivs), min(iv[1] for iv in ivs)
        if lo > hi:  # tolerated disagreement: the most common precise date
            lo, hi = Counter(ivs).most_common(1)[0][0]
        date_start, date_end = lo.isoformat(), hi.isoformat()
        precision = str(precise[0].get("date_precision") or "day")
    placed = [m for m in members if m.get("place_name") or m.get("latitude") is not None]
    place = min(placed, key=lambda m: (_PRECISION_RANK.get(str(m.get("geo_precision")), 9),
                                      not m.get("is_main"), int(m["id"]))) if placed else {}
    if place:
        names = Counter(m.get("place_id") or m.get("place_name") for m in placed
                        if m.get("geo_precision") == place.get("geo_precision"))
        common = names.most_common(1)[0][0]
        place = next(m for m in placed if (m.get("place_id") or m.get("place_name")) == common)
    shown_date = None if date_start is None else (date_start if date_start == date_end else date_start[:7]
                                                   if precision == "month" else f"{date_start}/{date_end}")
    return {
        "id": incident_id, "event_type": event_type, "agent": agent,
        "label": _label({**main, "place_name": place.get("place_name") or main.get("place_name")}, event_type,
                        agent, shown_date),
        "date_start": date_start, "date_end": date_end, "date_precision": precision,
        "place_name": place.get("place_name"), "latitude": place.get("latitude"),
        "longitude": place.get("longitude"), "geo_precision": place.get("geo_precision"),
        "evidence": group.evidence, "locked": group.locked,
        "attrs": {"mention_keys": sorted(mention_key(m) for m in members), "main_mention": main["id"],
                  "articles": len({m["article_id"] for m in members}),
                  "place_id": place.get("place_id"), "country": place.get("country") or main.get("country")},
    }
