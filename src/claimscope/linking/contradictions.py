"""Contradictions within an incident: casualty figures, perpetrator attributions, claims.

Each contradiction points at two spans (``a`` and ``b``: article id + offsets) and is stored
as a ``contradicts`` link between the two records, with the detail in its attrs.

- casualty: two sources' figures of the same kind (killed, injured) and comparable group
  whose stated values do not overlap ("at least six" vs "nine", "four" vs "seven"). An
  article that gives only an injury figure for an incident implicitly reports nobody killed,
  which contradicts a death toll elsewhere. Equal figures repeated by many articles form one
  position, so a contradiction is reported once per pair of positions with all its members.
- attribution: mentions of the incident blaming different perpetrators.
- claim: a claim supporting the incident (alleged, corroborated) and one opposing it (denied,
  counter-accused) from different speakers in different articles; per pair of articles the
  pair of claims most alike in wording (the same proposition, opposite stance) is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from claimscope.linking.roles import OPPOSING, SUPPORTING
from claimscope.model import Link, LinkKind

TOTAL_GROUPS = frozenset({"", "all", "people", "civilians", "persons", "total"})
_VAGUE = {"dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
          "tens of thousands": (20000, 99999)}


def figure_values(fig: dict[str, Any]) -> tuple[float, float] | None:
    """The values a figure states, as a closed interval ("at least 6" states 6, "between 14 and
    19" states 14..19, "hundreds" 200..999)."""
    low, high = fig.get("low"), fig.get("high")
    qualifier = str(fig.get("qualifier") or "").lower()
    if low is None and high is None:
        return None
    for word, (lo, hi) in _VAGUE.items():
        if qualifier == word:
            return float(low if low is not None else lo), float(max(hi, low or 0))
    if low is None:
        return 0.0, float(high)
    return float(low), float(high if high is not None else low)


def _comparable_group(fig: dict[str, Any]) -> str:
    group = str(fig.get("group") or "").lower()
    return "total" if group in TOTAL_GROUPS else group


def _span(record: dict[str, Any], start_key: str = "start", end_key: str = "end") -> dict[str, Any]:
    return {"article_id": record["article_id"], "start": int(record.get(start_key) or 0),
            "end": int(record.get(end_key) or 0)}


def casualty_contradictions(incident_id: int, figures: list[dict[str, Any]],
                            articles_with_mentions: set[str]) -> list[Link]:
    """figures: the incident's casualty figures (rows with ``article_id``, ``kind``, ...)."""
    links: list[Link] = []
    positions: dict[tuple[str, str], dict[tuple[float, float], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    killed_articles = set()
    for fig in figures:
        values = figure_values(fig)
        if values is None:
            continue
        positions[(str(fig["kind"]), _comparable_group(fig))][values].append(fig)
        if fig["kind"] == "killed":
            killed_articles.add(fig["article_id"])
    # an article giving only injuries implies no deaths (a minimising account)
    for article in sorted(articles_with_mentions - killed_articles):
        injured = [f for f in figures if f["article_id"] == article and f["kind"] == "injured"
                   and _comparable_group(f) == "total"]
        if injured:
            implied = {**injured[0], "implied": "no deaths reported, only injuries"}
            positions[("killed", "total")][(0.0, 0.0)].append(implied)
    for (kind, group), by_value in positions.items():
        values = sorted(by_value)
        for i, va in enumerate(values):
            for vb in values[i + 1:]:
                if va[1] >= vb[0] and vb[1] >= va[0]:
                    continue  # overlapping statements agree
                a_members, b_members = _order(by_value[va]), _order(by_value[vb])
                a, b = a_members[0], b_members[0]
                if a.get("id") is None or b.get("id") is None:
                    continue
                detail = (f"{kind}{'' if group == 'total' else f' ({group})'}: {_show(va, a_members)} vs "
                          f"{_show(vb, b_members)}")
                links.append(Link(kind=LinkKind.CONTRADICTS, from_type="figure", from_id=a["id"], to_type="figure",
                                  to_id=b["id"], label="casualty", producer="linking",
                                  attrs={"incident_id": incident_id, "detail": detail, "a": _span(a), "b": _span(b),
                                         "a_members": [_member(f) for f in a_members],
                                         "b_members": [_member(f) for f in b_members]}))
    return links


def _member(fig: dict[str, Any]) -> dict[str, Any]:
    out = _span(fig) | {"figure_id": fig["id"]}
    if fig.get("implied"):
        out["implied"] = fig["implied"]
    return out


def _order(figs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(figs, key=lambda f: (bool(f.get("implied")), str(f.get("published_at") or ""), f["article_id"],
                                       int(f.get("start") or 0)))


def _show(values: tuple[float, float], members: list[dict[str, Any]]) -> str:
    if any(m.get("implied") for m in members):
        return "none (only injuries reported)"
    lo, hi = values
    text = f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}"
    qualifiers = {str(m.get("qualifier")) for m in members if m.get("qualifier") and m.get("qualifier") != "exact"}
    return (" / ".join(sorted(qualifiers)) + " " + text) if qualifiers else text


def _norm_actor(name: str) -> str:
    name = re.sub(r"^(?:the)\s+", "", name.strip().lower())
    return re.sub(r"[^a-z0-9 ]", "", name)


def attribution_contradictions(incident_id: int, mentions: list[dict[str, Any]]) -> list[Link]:
    by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for m in mentions:
        if m.get("perpetrator") and str(m.get("modality")) != "denied":
            key = _norm_actor(m["perpetrator"])
            by_actor[key].append(m)
            kinds[key] = str(m.get("perpetrator_kind") or "")
    links = []
    actors = sorted(by_actor)
    for i, x in enumerate(actors):
        for y in actors[i + 1:]:
            if x in y or y in x:  # "government forces" vs "Kestrian government forces"
                continue
            if kinds[x] and kinds[x] == kinds[y] and kinds[x] in ("government", "armed_forces"):
                continue  # the same side named two ways
            a, b = by_actor[x][0], by_actor[y][0]
            links.append(Link(kind=LinkKind.CONTRADICTS, from_type="mention", from_id=a["id"], to_type="mention",
                              to_id=b["id"], label="attribution", producer="linking",
                              attrs={"incident_id": incident_id,
                                     "detail": f"perpetrator: {a['perpetrator']} vs {b['perpetrator']}",
                                     "a": _perp_span(a), "b": _perp_span(b),
                                     "a_members": [_perp_span(m) for m in by_actor[x]],
                                     "b_members": [_perp_span(m) for m in by_actor[y]]}))
    return links


def _perp_span(m: dict[str, Any]) -> dict[str, Any]:
    for ev in m.get("evidence") or []:
        if isinstance(ev, dict) and ev.get("role") in ("perpetrator", "agent_actor", "actor") and "start" in ev:
            return {"article_id": m["article_id"], "start": int(ev["start"]), "end": int(ev["end"]),
                    "mention_id": m["id"]}
    return _span(m) | {"mention_id": m["id"]}


_WORD = re.compile(r"[a-z]{3,}")


def _words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower())}


def claim_contradictions(incident_id: int, entries: list[dict[str, Any]]) -> list[Link]:
    """entries: the incident's claims with ``role``, ``article_id``, ``speaker_norm``, ``text``,
    ``content_start``/``content_end`` and ``copy_of`` (root article of a syndicated copy)."""
    support = [e for e in entries if e["role"] in SUPPORTING]
    oppose = [e for e in entries if e["role"] in OPPOSING]
    best: dict[tuple[str, str], tuple[float, dict[str, Any], dict[str, Any]]] = {}
    for s in support:
        ws = _words(s["text"])
        for o in oppose:
            if s["root"] == o["root"]:
                continue
            if s.get("speaker_norm") and s.get("speaker_norm") == o.get("speaker_norm"):
                continue
            wo = _words(o["text"])
            overlap = len(ws & wo) / (len(ws | wo) or 1)
            score = overlap + (0.2 if o["role"] == "denied" else 0.0)
            key = (s["root"], o["root"])
            if key not in best or score > best[key][0]:
                best[key] = (score, s, o)
    links = []
    for (_, _), (score, s, o) in sorted(best.items()):
        links.append(Link(kind=LinkKind.CONTRADICTS, from_type="claim", from_id=s["id"], to_type="claim",
                          to_id=o["id"], label="claim", score=round(score, 3), producer="linking",
                          attrs={"incident_id": incident_id,
                                 "detail": f"{s.get('speaker') or s.get('outlet') or 'a source'} ({s['role']}) vs "
                                           f"{o.get('speaker') or o.get('outlet') or 'a source'} ({o['role']})",
                                 "a": _span(s, "content_start", "content_end"),
                                 "b": _span(o, "content_start", "content_end")}))
    return links
