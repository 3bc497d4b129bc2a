"""The incident dossier: everything said about one incident, side by side, with sources.

``build_dossier(store, incident_id)`` returns a plain, JSON-ready dict (the CLI prints it,
the web UI renders it):

- ``incident``: type, weapon, date, place, label, locked, and ``evidence`` (why its mentions
  were merged, and any manual edits);
- ``positions``: claims about the incident by role - ``alleged``, ``denied``,
  ``counter_accused`` (with ``whom``), ``corroborated``, ``reported`` - each with speaker,
  outlet, date and the evidence span (article id, offsets, quoted text);
- ``casualties``: per kind (killed, injured, ...) the figures per source and their spread;
- ``perpetrators``: who each source blames;
- ``sources``: articles and independent sources (a syndicated copy counts with its original,
  outlets with the same owner count once);
- ``mentions`` and ``contradictions``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claimscope.linking.contradictions import TOTAL_GROUPS, figure_values
from claimscope.model import LinkKind
from claimscope.store.base import Store

ROLE_ORDER = ("alleged", "denied", "counter_accused", "corroborated", "reported")


class _Texts:
    """Article texts, fetched once each, for quoting spans."""

    def __init__(self, store: Store):
        self.store, self.cache = store, {}

    def quote(self, article_id: str, start: int | None, end: int | None) -> str:
        if start is None or end is None:
            return ""
        if article_id not in self.cache:
            article = self.store.article(article_id)
            self.cache[article_id] = article.text if article else ""
        return self.cache[article_id][int(start):int(end)]


def _source_key(row: dict[str, Any]) -> str:
    """Who stands behind an outlet: its owner, else the outlet itself."""
    return (row.get("owner") or row.get("outlet") or f"article {row['article_id']}").strip()


def independent_sources(articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Collapse syndicated copies onto their originals and outlets onto their owners.

    articles: article id -> meta (outlet, owner, duplicate_of, published_at)."""
    groups: dict[str, dict[str, Any]] = {}
    copies = []
    for aid, meta in sorted(articles.items(), key=lambda kv: (str(kv[1].get("published_at") or ""), kv[0])):
        if meta.get("duplicate_of"):
            copies.append({"article_id": aid, "outlet": meta.get("outlet"), "copy_of": meta["duplicate_of"]})
            continue
        key = _source_key({**meta, "article_id": aid})
        group = groups.setdefault(key, {"owner": key, "outlets": [], "articles": []})
        if meta.get("outlet") and meta["outlet"] not in group["outlets"]:
            group["outlets"].append(meta["outlet"])
        group["articles"].append(aid)
    return {"count": len(groups), "articles": len(articles), "copies": copies, "groups": list(groups.values())}


def build_dossier(store: Store, incident_id: int) -> dict[str, Any] | None:
    """The dossier of one incident as a plain dict, or None when there is no such incident."""
    incident = store.incident(int(incident_id))
    if incident is None:
        return None
    texts = _Texts(store)
    mentions = store.mentions_of_incident(int(incident_id))
    meta_all = store.article_meta()
    article_ids = {m["article_id"] for m in mentions}

    # positions: claims linked to the incident with their role (written by the link stage)
    role_links = [lk for lk in store.links(kind=str(LinkKind.STANCE))
                  if lk["to_type"] == "incident" and str(lk["to_id"]) == str(incident_id) and lk["producer"] == "linking"]
    claims = store.claims_by_id([int(lk["from_id"]) for lk in role_links])
    perpetrators_by_article = defaultdict(list)
    for m in mentions:
        if m.get("perpetrator"):
            perpetrators_by_article[m["article_id"]].append(m["perpetrator"])
    positions: dict[str, list[dict[str, Any]]] = {role: [] for role in ROLE_ORDER}
    for lk in role_links:
        claim = claims.get(int(lk["from_id"]))
        if claim is None:
            continue
        meta = meta_all.get(claim["article_id"], {})
        entry = {
            "claim_id": claim["id"], "speaker": claim.get("speaker") or ("(anonymous)" if claim.get("source_kind") ==
                                                                          "anonymous" else meta.get("outlet")),
            "speaker_kind": claim.get("speaker_kind"), "claim_type": claim.get("claim_type"),
            "polarity": claim.get("polarity"), "stance": (lk.get("attrs") or {}).get("stance"),
            "role_from": (lk.get("attrs") or {}).get("source"),
            "outlet": meta.get("outlet"), "outlet_kind": meta.get("outlet_kind"),
            "published_at": meta.get("published_at"), "syndicated_copy_of": meta.get("duplicate_of"),
            "evidence": {"article_id": claim["article_id"], "start": claim["content_start"], "end": claim["content_end"],
                         "quote": texts.quote(claim["article_id"], claim["content_start"], claim["content_end"])},
        }
        if lk["label"] == "counter_accused":
            entry["whom"] = _whom(claim, perpetrators_by_article.get(claim["article_id"], []))
        positions.setdefault(lk["label"], []).append(entry)
    for rows in positions.values():
        rows.sort(key=lambda e: (str(e["published_at"] or ""), e["evidence"]["article_id"], e["evidence"]["start"]))

    # casualty figures per source, and their spread
    figures = store.casualty_figures(mention_ids=[int(m["id"]) for m in mentions])
    casualties: dict[str, dict[str, Any]] = {}
    for fig in figures:
        meta = meta_all.get(fig["article_id"], {})
        kind = casualties.setdefault(fig["kind"], {"per_source": [], "spread": None})
        kind["per_source"].append({
            "source": fig.get("source") or meta.get("outlet"), "outlet": meta.get("outlet"),
            "published_at": meta.get("published_at"), "low": fig.get("low"), "high": fig.get("high"),
            "qualifier": fig.get("qualifier"), "group": fig.get("group"),
            "syndicated_copy_of": meta.get("duplicate_of"),
            "evidence": {"article_id": fig["article_id"], "start": fig["start"], "end": fig["end"],
                         "quote": texts.quote(fig["article_id"], fig["start"], fig["end"])}})
    for kind in casualties.values():
        kind["per_source"].sort(key=lambda f: (str(f["published_at"] or ""), f["evidence"]["start"]))
        totals = [figure_values(f) for f in kind["per_source"]
                  if str(f.get("group") or "").lower() in TOTAL_GROUPS and not f["syndicated_copy_of"]]
        totals = [v for v in totals if v is not None]
        if totals:
            low, high = min(v[0] for v in totals), max(v[1] for v in totals)
            kind["spread"] = {"low": low, "high": high, "figures": len(totals),
                              "sources": len({(f["source"], f["outlet"]) for f in kind["per_source"]}),
                              "ratio": round(high / low, 2) if low else None}

    # perpetrator attributions per source
    perpetrators = []
    for m in mentions:
        if not m.get("perpetrator"):
            continue
        perpetrators.append({"perpetrator": m["perpetrator"], "perpetrator_kind": m.get("perpetrator_kind"),
                             "according_to": m.get("according_to") or m.get("outlet"), "outlet": m.get("outlet"),
                             "modality": m.get("modality"), "published_at": m.get("published_at"),
                             "evidence": {"article_id": m["article_id"], "start": m["start"], "end": m["end"],
                                          "quote": texts.quote(m["article_id"], m["start"], m["end"])}})

    sources = independent_sources({aid: meta_all.get(aid, {}) for aid in article_ids})
    for role, rows in positions.items():
        sources.setdefault("by_role", {})[role] = independent_sources(
            {e["evidence"]["article_id"]: meta_all.get(e["evidence"]["article_id"], {}) for e in rows})["count"]

    contradictions = [_contradiction(lk, texts) for lk in store.links(kind=str(LinkKind.CONTRADICTS))
                      if (lk.get("attrs") or {}).get("incident_id") == int(incident_id)]

    return {
        "incident": {k: incident.get(k) for k in ("id", "label", "event_type", "agent", "date_start", "date_end",
                                                  "date_precision", "place_name", "latitude", "longitude",
                                                  "geo_precision", "locked")}
        | {"place_id": (incident.get("attrs") or {}).get("place_id")},
        "evidence": incident.get("evidence") or [],
        "positions": positions,
        "casualties": casualties,
        "perpetrators": perpetrators,
        "sources": sources,
        "mentions": [{"id": m["id"], "article_id": m["article_id"], "title": m.get("article_title"),
                      "outlet": m.get("outlet"), "published_at": m.get("published_at"), "modality": m.get("modality"),
                      "is_main": bool(m.get("is_main")), "event_type": m.get("event_type"), "agent": m.get("agent"),
                      "date_start": m.get("date_start"), "date_end": m.get("date_end"),
                      "date_text": m.get("date_text"), "place_name": m.get("place_name"),
                      "syndicated_copy_of": m.get("duplicate_of"),
                      "evidence": {"article_id": m["article_id"], "start": m["start"], "end": m["end"],
                                   "quote": texts.quote(m["article_id"], m["start"], m["end"])}}
                     for m in mentions],
        "contradictions": contradictions,
    }


def _whom(claim: dict[str, Any], perpetrators: list[str]) -> str | None:
    """Whom a counter-accusation blames: a target the claim names, else the article's culprit."""
    attrs = claim.get("attrs") or {}
    for key in ("target", "accused", "whom"):
        if attrs.get(key):
            return str(attrs[key])
    text = claim.get("text", "").lower()
    for name in perpetrators:
        if name.lower() in text:
            return name
    return perpetrators[0] if perpetrators else None


def _contradiction(link: dict[str, Any], texts: _Texts) -> dict[str, Any]:
    attrs = link.get("attrs") or {}
    out = {"kind": link["label"], "detail": attrs.get("detail"), "link_id": link["id"]}
    for side in ("a", "b"):
        span = attrs.get(side) or {}
        if span:
            out[side] = {**span, "quote": texts.quote(span["article_id"], span.get("start"), span.get("end"))}
    return out


def list_contradictions(store: Store, *, kind: str | None = None, incident_id: int | None = None) -> list[dict[str, Any]]:
    """Every stored contradiction with both spans quoted (for ``claimscope contradictions``)."""
    texts = _Texts(store)
    meta = store.article_meta()
    out = []
    for lk in store.links(kind=str(LinkKind.CONTRADICTS)):
        attrs = lk.get("attrs") or {}
        if kind and lk["label"] != kind:
            continue
        if incident_id is not None and attrs.get("incident_id") != int(incident_id):
            continue
        item = _contradiction(lk, texts) | {"incident_id": attrs.get("incident_id"),
                                            "a_members": attrs.get("a_members"), "b_members": attrs.get("b_members")}
        for side in ("a", "b"):
            if side in item:
                m = meta.get(item[side]["article_id"], {})
                item[side] |= {"outlet": m.get("outlet"), "published_at": m.get("published_at")}
        out.append(item)
    return out


def list_narratives(store: Store, *, with_members: bool = False, **filters: Any) -> list[dict[str, Any]]:
    """Narratives, largest first; ``with_members`` adds each one's claims (id, article, text, speaker)."""
    rows = store.narratives(**filters)
    if with_members:
        members: dict[str, list[int]] = {}
        for lk in store.links(kind=str(LinkKind.NARRATIVE_MEMBER)):
            members.setdefault(str(lk["to_id"]), []).append(int(lk["from_id"]))
        for row in rows:
            claims = store.claims_by_id(members.get(str(row["id"]), []))
            row["claims"] = [{k: c[k] for k in ("id", "article_id", "text", "speaker", "claim_type", "content_start",
                                               "content_end")} for c in claims.values()]
    return rows
