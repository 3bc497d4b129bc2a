"""Extracted mentions -> the model's records: IncidentMention, CasualtyFigure and claim Links."""

from __future__ import annotations

import re
from typing import Any

from claimscope.incidents.actors import CIVILIAN_TARGETS
from claimscope.incidents.casualties import VAGUE
from claimscope.incidents.extract import Context, Mention
from claimscope.incidents.taxonomy import event_type as event_type_info
from claimscope.incidents.taxonomy import fakes_cause
from claimscope.model import ActorKind, CasualtyFigure, IncidentMention, Link, LinkKind

_KILLED_GROUPS = ("all", "civilians")  # the headline figure of a mention; children/women are subsets


def _admin1(place, gazetteer) -> str | None:
    """The governorate of a place; for layer places, found by walking up their parents."""
    if place is None:
        return None
    if place.admin1:
        return place.admin1
    seen, current = set(), place
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.kind == "governorate":
            return current.name
        if not current.parent or gazetteer is None:
            return None
        layer = current.id.split(":", 1)[0]
        current = gazetteer.get(f"{layer}:{current.parent}") or gazetteer.resolve(current.parent)
    return None


def _country(place, gazetteer) -> str | None:
    if place is None:
        return None
    if place.country:
        return place.country
    seen, current = set(), place
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.kind == "country":
            return current.name
        if not current.parent or gazetteer is None:
            return None
        layer = current.id.split(":", 1)[0]
        current = gazetteer.get(f"{layer}:{current.parent}")
    return None


def _speaker_at(ctx: Context, start: int, end: int) -> str | None:
    covering = [c for c in ctx.claims if c["content_start"] <= start and end <= c["content_end"] and c.get("speaker")]
    if not covering:
        return None
    # the innermost claim names who gives the figure ("... 14 bodies, the doctor said")
    return min(covering, key=lambda c: c["content_end"] - c["content_start"])["speaker"]


def to_records(mentions: list[Mention], ctx: Context, article_id: str, producer: str,
               claim_refs: list[tuple[Any, dict]]) -> tuple[list[IncidentMention], list[CasualtyFigure], list[Link]]:
    out_mentions: list[IncidentMention] = []
    out_figures: list[CasualtyFigure] = []
    links: list[Link] = []
    text = ctx.text
    for index, m in enumerate(mentions):
        ref = f"@{producer}/mentions/{index}"
        info = event_type_info(m.event_type)
        evidence: list[dict[str, Any]] = []
        for frame in m.frames:
            evidence.append({"role": "sentence", "start": frame.start, "end": frame.end})
            for a, b, etype, _ in frame.triggers:
                evidence.append({"role": "trigger", "start": a, "end": b, "type": etype})
            for a, b, agent in frame.agents:
                if m.agent is not None and agent.name == m.agent.name:
                    evidence.append({"role": "agent", "start": a, "end": b})
        if m.date_span:
            evidence.append({"role": "date", "start": m.date_span[0], "end": m.date_span[1]})
        if m.place_span:
            evidence.append({"role": "place", "start": m.place_span[0], "end": m.place_span[1]})
        perpetrator = target = None
        for frame in m.frames:
            for hit in frame.actors:
                if hit.role == "perpetrator" and perpetrator is None:
                    perpetrator = hit
                elif hit.role == "target" and target is None:
                    target = hit
        if perpetrator is not None:
            evidence.append({"role": "perpetrator", "start": perpetrator.start, "end": perpetrator.end})
        if target is not None:
            evidence.append({"role": "target", "start": target.start, "end": target.end})
        figures = [f for frame in m.frames for f in frame.figures]
        target_name = target.name if target else None
        target_kind = target.kind if target else None
        if target is None:
            civ = any(f.group in ("civilians", "children", "women") for f in figures) or any(
                CIVILIAN_TARGETS.search(text[fr.start:fr.end]) for fr in m.frames[:2])
            if civ:
                target_name, target_kind = "civilians", ActorKind.CIVILIANS.value
        killed = next((f for f in figures if f.kind == "killed" and f.group in _KILLED_GROUPS and f.parent is None), None)
        injured = next((f for f in figures if f.kind == "injured" and f.group in _KILLED_GROUPS and f.parent is None),
                       None)
        headline = killed or injured
        according_to = None
        if headline is not None:
            according_to = _speaker_at(ctx, headline.start, headline.end)
        if according_to is None:
            according_to = next((f.speaker for f in m.frames if f.speaker), None) or ctx.outlet
        place = m.place
        civilians = _civilian_deaths(figures)
        attrs: dict[str, Any] = {
            "modalities": m.modalities,
            "background": m.background,
            "event_label": info.label,
            "fakes_cause": fakes_cause(m.event_type, agent=m.agent.name if m.agent is not None else None),
            "date_is_reporting": m.date_is_reporting,
            "civilians_killed": civilians,
        }
        if m.place_inferred:
            attrs["place_inferred"] = True  # from the lede or dateline, not from the incident's own sentences
        if perpetrator is not None:
            attrs["perpetrator_mention"] = perpetrator.text
            attrs["perpetrator_mentions"] = list(dict.fromkeys(
                h.text for fr in m.frames for h in fr.actors if h.role == "perpetrator" and h.name == perpetrator.name))
            attrs["perpetrator_fakes"] = perpetrator.fakes
        if m.places:
            attrs["places"] = [{"name": p.name, "id": p.id, "kind": p.kind, "mention": text[a:b]}
                               for a, b, p in m.places]
        if m.agent is not None and m.agent.delivery:
            attrs["delivery"] = m.agent.delivery
        out_mentions.append(IncidentMention(
            article_id=article_id, event_type=m.event_type, sub_event_type=info.acled_sub_event_type,
            agent=m.agent.name if m.agent else None, modality=m.modality, is_main=m.is_main,
            date_start=m.date.start.isoformat() if m.date else None,
            date_end=m.date.end.isoformat() if m.date else None,
            date_precision=m.date.precision if m.date else "unknown", date_text=m.date_text,
            place_name=place.name if place else None, place_id=place.id if place else None,
            latitude=round(place.lat, 5) if place else None, longitude=round(place.lon, 5) if place else None,
            geo_precision=place.kind if place else None, country=_country(place, ctx.gazetteer),
            admin1=_admin1(place, ctx.gazetteer),
            perpetrator=perpetrator.name if perpetrator else None,
            perpetrator_kind=perpetrator.kind if perpetrator else None,
            target=target_name, target_kind=target_kind,
            killed_low=killed.low if killed else None, killed_high=killed.high if killed else None,
            injured_low=injured.low if injured else None, injured_high=injured.high if injured else None,
            according_to=according_to, start=m.start, end=m.end, evidence=evidence,
            score=round(min(1.0, 0.3 + 0.1 * len(m.frames) + 0.2 * bool(place) + 0.2 * bool(m.date)), 2),
            attrs=attrs,
        ))
        for f in figures:
            source = _speaker_at(ctx, f.start, f.end) or next(
                (fr.speaker for fr in m.frames if fr.start <= f.start < fr.end and fr.speaker), None) or ctx.outlet
            out_figures.append(CasualtyFigure(article_id=article_id, kind=f.kind, low=f.low, high=f.high,
                                              qualifier=f.qualifier, group=f.group, source=source, mention_id=ref,
                                              start=f.start, end=f.end))
        # claims about this mention: their content covers one of its triggers
        spans = [(t[0], t[1]) for fr in m.frames for t in fr.triggers]
        for claim_ref, claim in claim_refs:
            cs, ce = claim["content_start"], claim["content_end"]
            if any(cs <= a and b <= ce for a, b in spans):
                links.append(Link(kind=LinkKind.CLAIM_INCIDENT, from_type="claim", from_id=claim_ref,
                                  to_type="mention", to_id=ref, label=claim.get("claim_type")))
    return out_mentions, out_figures, links


def _civilian_deaths(figures) -> int | None:
    """Civilians killed as a mention states it: a civilians figure, else a civilians subgroup of a
    larger toll, else an all-people figure (unless it names fighters), else children + women."""
    top = [f for f in figures if f.kind == "killed" and f.parent is None]
    # "20 people including 10 civilians": the subgroup is the civilian toll
    sub_civilians = [f for f in figures if f.kind == "killed" and f.parent is not None and f.group == "civilians"]
    for candidates, group in ((top, "civilians"), (sub_civilians, "civilians"), (top, "all")):
        matching = [f for f in candidates if f.group == group]
        # "Dozens of people have been killed ... at least 58 died": a count beats a convention
        exact = [f for f in matching if f.qualifier not in VAGUE]
        for f in exact or matching:
            return f.low if f.low is not None else f.high
    if any(f.group == "fighters" for f in top):
        return 0
    sub = [f for f in figures if f.kind == "killed" and f.group in ("children", "women")]
    if sub:
        return sum(f.low or 0 for f in sub)
    return None


def describe(row: dict) -> str:
    """One line for a stored mention row (CLI and `show`)."""
    kind = row["event_type"].replace("_", " ")
    bits = [f"[{row['modality']}{'' if row['is_main'] else ' · background'}] {kind}"]
    if row.get("agent"):
        bits.append(f"({row['agent']})")
    when = row.get("date_start")
    if when:
        if row.get("date_end") and row["date_end"] != when:
            when = f"{when}/{row['date_end']}"
        bits.append(f"on {when} ({row['date_precision']})")
    if row.get("place_name"):
        where = f"at {row['place_name']}"
        if row.get("geo_precision"):
            where += f" ({row['geo_precision']}"
            if row.get("latitude") is not None:
                where += f" {row['latitude']:.3f},{row['longitude']:.3f}"
            where += ")"
        bits.append(where)
    if row.get("perpetrator"):
        bits.append(f"by {row['perpetrator']}")
    cas = []
    if row.get("killed_low") is not None or row.get("killed_high") is not None:
        cas.append(f"killed {_range(row['killed_low'], row['killed_high'])}")
    if row.get("injured_low") is not None or row.get("injured_high") is not None:
        cas.append(f"injured {_range(row['injured_low'], row['injured_high'])}")
    if cas:
        bits.append("; ".join(cas))
    if row.get("according_to"):
        bits.append(f"according to {row['according_to']}")
    return re.sub(r"\s+", " ", " ".join(bits))


def _range(low, high) -> str:
    if high is not None and low not in (None, 0, high):
        return f"{low}-{high}"
    if high is not None and low == 0:
        return f"≤{high}"
    return str(low if low is not None else high)
