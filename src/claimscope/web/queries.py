"""What the REST API, the web UI and the Python API show, composed from store queries.

Pure Python (no FastAPI import) so :mod:`claimscope.api` can use it without the web extra.
Every function takes a :class:`~claimscope.store.base.Store` and returns plain dicts/lists
that serialise to JSON as they are.

Incident *clustering* (incidents built from many mentions, dossiers and narratives over them)
is a later issue. Until it lands, :func:`dossier` works from one incident mention: the claims
linked to it (or, failing links, the incident claims of its article) plus the mentions in
other articles with the same event type, the same place and overlapping dates.
"""

from __future__ import annotations

from typing import Any

from claimscope.store.base import Store

# Dossier columns, in display order: which claims argue what about an incident.
DOSSIER_COLUMNS = ("allegation", "denial", "counter_accusation", "corroboration")
_COLUMN_OF_TYPE = {"allegation": "allegation", "denial": "denial", "counter_accusation": "counter_accusation"}
_CORROBORATING_TYPES = {"assertion", "estimate"}
# Stance-link labels -> column: the roles corpus-level linking writes (docs/linking.md), plus
# the plain stance words a per-article stance component may use.
_STANCE_COLUMNS = {"alleged": "allegation", "denied": "denial", "counter_accused": "counter_accusation",
                   "corroborated": "corroboration", "denies": "denial", "counter_accuses": "counter_accusation",
                   "corroborates": "corroboration"}


def technique_info(label: str) -> dict[str, str]:
    """Name, group and definition of a technique label (unknown labels are shown as they are)."""
    from claimscope.rhetoric.taxonomy import get_technique

    try:
        t = get_technique(label)
    except KeyError:
        return {"label": label, "name": label.replace("_", " "), "group": "", "definition": ""}
    return {"label": t.label, "name": t.name, "group": t.group, "definition": t.definition}


def technique_catalogue(store: Store) -> list[dict[str, Any]]:
    """Every technique of the taxonomy with its counts in this store (labels not in the
    taxonomy but present in the store are listed too)."""
    from claimscope.rhetoric.taxonomy import TECHNIQUES

    counts = store.technique_counts()
    out = []
    for t in TECHNIQUES:
        c = counts.pop(t.label, {"spans": 0, "articles": 0, "claims": 0})
        out.append({**technique_info(t.label), "example": t.example, "in_english_data": t.in_english_data, **c})
    for label, c in sorted(counts.items()):
        out.append({**technique_info(label), "example": "", "in_english_data": False, **c})
    return out


def _claim_techniques(store: Store, article_id: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for link in store.links_for_article(article_id, kind="technique_claim"):
        if link["to_type"] == "claim" and link["label"]:
            labels = out.setdefault(int(link["to_id"]), [])
            if link["label"] not in labels:
                labels.append(link["label"])
    return out


def article_detail(store: Store, article_id: str, *, include_spans: bool = True) -> dict[str, Any] | None:
    """One article with everything extracted from it, each fact with offsets into ``text``."""
    article = store.article(article_id)
    if article is None:
        return None
    data = article.to_dict()
    data["word_count"] = article.word_count
    outlet = store.outlet(article.outlet_id) if article.outlet_id is not None else None
    data["outlet_kind"] = str(outlet.kind) if outlet else None
    by_claim = _claim_techniques(store, article.id)
    claims = store.claims(article_id=article.id)
    for claim in claims:
        claim["techniques"] = by_claim.get(claim["id"], [])
    techniques = store.technique_spans(article_id=article.id)
    for t in techniques:
        info = technique_info(t["technique"])
        t["name"], t["definition"] = info["name"], info["definition"]
    return {
        "article": data,
        "spans": store.spans(article.id) if include_spans else [],
        "claims": claims,
        "techniques": techniques,
        "incident_mentions": store.incident_mentions(article_id=article.id),
        "casualty_figures": store.figures_for(article_ids=[article.id]),
        "links": store.links_for_article(article.id),
    }


def claim_detail(store: Store, claim_id: int) -> dict[str, Any] | None:
    claim = store.claims_by_id([claim_id]).get(claim_id)
    if claim is None:
        return None
    article = store.article(claim["article_id"])
    claim["article_title"] = article.title if article else None
    claim["outlet"] = article.outlet if article else None
    claim["published_at"] = article.published_at if article else None
    outgoing = store.links_from("claim", [claim_id])
    incoming = store.links_to("claim", [claim_id])
    claim["techniques"] = sorted({link["label"] for link in incoming if link["kind"] == "technique_claim"
                                  and link["label"]})
    claim["links"] = outgoing + incoming
    return claim


# ------------------------------------------------------------------------------- outlets
def outlet_profiles(store: Store) -> list[dict[str, Any]]:
    """Per outlet: articles, claim types, stances and technique rates per 1,000 words."""
    outlets = {o.id: o for o in store.outlets()}
    out = []
    for p in store.outlet_profiles():
        outlet = outlets.get(p["outlet_id"])
        words = p["words"] or 0
        per_k = (lambda n: round(n * 1000 / words, 2)) if words else (lambda n: None)
        out.append({
            "outlet_id": p["outlet_id"],
            "name": outlet.name if outlet else "(no outlet)",
            "domain": outlet.domain if outlet else None,
            "kind": str(outlet.kind) if outlet else "unknown",
            "country": outlet.country if outlet else None,
            "owner": outlet.owner if outlet else None,
            **{k: p[k] for k in ("articles", "words", "duplicates", "claims", "claim_types", "polarity", "hedged",
                                 "techniques", "technique_labels", "stances")},
            "claims_per_1000_words": per_k(p["claims"]),
            "techniques_per_1000_words": per_k(p["techniques"]),
            "technique_rates_per_1000_words": {k: per_k(v) for k, v in sorted(p["technique_labels"].items())},
        })
    out.sort(key=lambda o: (-o["articles"], o["name"]))
    return out


def outlet_profile(store: Store, outlet: str) -> dict[str, Any] | None:
    """One profile by outlet id, name or domain."""
    for profile in outlet_profiles(store):
        if outlet in (str(profile["outlet_id"]), profile["name"], profile["domain"]):
            return profile
    return None


# -------------------------------------------------------------------------------- search
def search_all(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Full-text search over articles plus the claims whose text or speaker has every word."""
    words = " ".join(w for w in query.replace('"', " ").split() if w.upper() not in ("OR", "AND", "NOT"))
    words = " ".join(w.rstrip("*") for w in words.split())
    return {
        "query": query,
        "articles": store.search(query, limit=limit, offset=offset),
        "claims": store.find_claims(text=words, limit=limit, offset=offset) if words.strip() else [],
    }


# ------------------------------------------------------------------------------- dossier
def _date_bounds(mention: dict[str, Any]) -> tuple[str, str] | None:
    """An incident's date interval as comparable strings; a partial end ("2019-11") covers
    the whole month by appending a character that sorts after every digit."""
    start = mention.get("date_start")
    if not start:
        return None
    end = mention.get("date_end") or start
    return start, end + "\uffff"


def _dates_overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ra, rb = _date_bounds(a), _date_bounds(b)
    if ra is None or rb is None:
        return False
    return ra[0] <= rb[1] and rb[0] <= ra[1]


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("place_id") and b.get("place_id"):
        return a["place_id"] == b["place_id"]
    if a.get("place_name") and b.get("place_name"):
        return a["place_name"].casefold() == b["place_name"].casefold()
    return False


def related_mentions(store: Store, mention: dict[str, Any], *, limit: int = 200) -> list[dict[str, Any]]:
    """Mentions in other articles with the same event type, the same place and overlapping dates."""
    if not (mention.get("place_id") or mention.get("place_name")) or not mention.get("date_start"):
        return []
    candidates = store.find_incident_mentions(event_type=mention["event_type"], limit=5000)
    out = [m for m in candidates if m["article_id"] != mention["article_id"] and _same_place(mention, m)
           and _dates_overlap(mention, m)]
    return out[:limit]


def _mention_summary(m: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "article_id", "article_title", "outlet", "published_at", "event_type", "sub_event_type", "agent",
            "modality", "date_start", "date_end", "date_precision", "place_name", "place_id", "latitude",
            "longitude", "geo_precision", "admin1", "country", "perpetrator", "target", "killed_low", "killed_high",
            "injured_low", "injured_high", "according_to", "start", "end", "evidence", "is_main", "incident_id")
    return {k: m.get(k) for k in keys}


def dossier(store: Store, mention_id: int) -> dict[str, Any] | None:
    """One incident mention as a dossier: who alleges, denies, counter-accuses, corroborates;
    casualty figures per source; mentions elsewhere; points for a map; evidence spans."""
    base = store.incident_mentions_by_id([mention_id]).get(mention_id)
    if base is None:
        return None
    # the same row joined with its article's title, outlet and date
    rows = store.find_incident_mentions(article_id=base["article_id"], limit=100_000)
    mention = next((m for m in rows if m["id"] == mention_id), base)
    clustered = mention.get("incident_id") is not None
    if clustered:  # corpus-level linking has clustered this mention into an incident: use its members
        related = [m for m in store.mentions_of_incident(int(mention["incident_id"])) if m["id"] != mention_id]
    else:
        related = related_mentions(store, mention)
    group = [mention, *related]
    mention_ids = [m["id"] for m in group]
    articles = {m["article_id"]: m for m in group}

    columns: dict[str, list[dict[str, Any]]] = {c: [] for c in DOSSIER_COLUMNS}
    links = [link for link in store.links_to("mention", mention_ids) if link["from_type"] == "claim"
             and link["kind"] in ("claim_incident", "stance")]
    if clustered:  # linking's per-(claim, incident) roles
        links += [link for link in store.links_to("incident", [mention["incident_id"]], kind="stance")
                  if link["from_type"] == "claim"]
    linked_ids = sorted({int(link["from_id"]) for link in links})
    # The linking stage's role (alleged / denied / ...) already weighs the stance analyzer's label
    # with the claim type, so it wins over the per-article label when both exist.
    stance_links = sorted((link for link in links if link["kind"] == "stance" and link["label"]),
                          key=lambda link: link.get("producer") == "linking")
    stance_of = {int(link["from_id"]): link["label"] for link in stance_links}
    claims = list(store.claims_by_id(linked_ids).values())
    basis = {c["id"]: "linked" for c in claims}
    linked_articles = {c["article_id"] for c in claims}
    for article_id in articles:
        if article_id in linked_articles:
            continue
        # no claim-incident link stored for this article: fall back to its incident-type claims
        for c in store.claims(article_id=article_id):
            if c["claim_type"] in _COLUMN_OF_TYPE:
                claims.append(c)
                basis[c["id"]] = "same article"
    for c in claims:
        stance = stance_of.get(c["id"], "")
        if stance == "reported":  # linking says the claim only reports the incident: no column
            continue
        column = _STANCE_COLUMNS.get(stance) or _COLUMN_OF_TYPE.get(c["claim_type"])
        if column is None and c["claim_type"] in _CORROBORATING_TYPES and c["polarity"] == "affirms" \
                and basis[c["id"]] == "linked":
            column = "corroboration"
        if column is None:
            continue
        m = articles.get(c["article_id"], {})
        columns[column].append({
            "id": c["id"], "article_id": c["article_id"], "text": c["text"], "speaker": c["speaker"],
            "speaker_kind": c["speaker_kind"], "source_kind": c["source_kind"], "claim_type": c["claim_type"],
            "polarity": c["polarity"], "hedged": bool(c["hedged"]), "content_start": c["content_start"],
            "content_end": c["content_end"], "outlet": m.get("outlet"), "published_at": m.get("published_at"),
            "basis": basis[c["id"]], "stance": stance_of.get(c["id"]),
        })
    for items in columns.values():
        items.sort(key=lambda c: (c["published_at"] or "", c["article_id"], c["content_start"]))

    figures = []
    for f in store.figures_for(article_ids=list(articles), mention_ids=mention_ids):
        if f.get("mention_id") is not None and f["mention_id"] not in mention_ids:
            continue
        m = articles.get(f["article_id"], {})
        figures.append({**f, "outlet": m.get("outlet"), "published_at": m.get("published_at")})
    with_rows = {f.get("mention_id") for f in figures}
    for m in group:  # a mention's own headline figures, when no figure rows back them
        if m["id"] not in with_rows and (m.get("killed_low") is not None or m.get("injured_low") is not None):
            figures.append({"id": None, "article_id": m["article_id"], "mention_id": m["id"], "kind": "mention",
                            "killed_low": m.get("killed_low"), "killed_high": m.get("killed_high"),
                            "injured_low": m.get("injured_low"), "injured_high": m.get("injured_high"),
                            "source": m.get("according_to"), "outlet": m.get("outlet"),
                            "published_at": m.get("published_at"), "start": m["start"], "end": m["end"]})
    evidence = []
    for m in group:
        spans = m.get("evidence") or []
        for e in spans:
            if isinstance(e, dict) and "start" in e and "end" in e:
                evidence.append({"mention_id": m["id"], "article_id": m["article_id"], "role": e.get("role"),
                                 "start": e["start"], "end": e["end"]})
        evidence.append({"mention_id": m["id"], "article_id": m["article_id"], "role": "trigger",
                         "start": m["start"], "end": m["end"]})
    points = [{"mention_id": m["id"], "latitude": m["latitude"], "longitude": m["longitude"],
               "label": m.get("place_name") or "", "focus": m["id"] == mention_id}
              for m in group if m.get("latitude") is not None and m.get("longitude") is not None]
    return {
        "mention": _mention_summary(mention),
        "related_mentions": [_mention_summary(m) for m in related],
        "match_basis": (f"incident {mention['incident_id']} as clustered by corpus-level linking" if clustered else
                        "same event type, same place (place id, else name) and overlapping dates "
                        "(not clustered: run incident linking to group mentions into incidents)"),
        "clustered": clustered,
        "incident_id": mention.get("incident_id"),
        "columns": columns,
        "casualty_figures": figures,
        "evidence": evidence,
        "points": points,
    }


def narratives(store: Store, *, limit: int = 200) -> dict[str, Any]:
    """Narratives (matching claims repeated across outlets and time), when corpus-level
    linking has computed them; otherwise an explicit "not computed yet"."""
    items: list[dict[str, Any]] = []
    if hasattr(store, "narratives"):
        try:
            items = store.narratives(limit=limit)
        except Exception:  # an older store without the narratives table
            items = []
    if items:
        return {"computed": True, "items": items, "message": f"{len(items)} narratives"}
    return {"computed": False, "items": [],
            "message": "Narratives are not computed yet: narrative detection groups matching claims across "
                       "outlets and time once corpus-level linking has run over this store."}
