"""Claims as schema.org ``Claim`` nodes in one JSON-LD graph, with ``ClaimReview`` nodes only
where a user recorded a review (the ``reviews`` table).

schema.org has no terms for how a claim relates to an incident, so claimscope's own context
(``claimscope-context.jsonld`` in this package, documented in docs/jsonld-context.md) adds
``alleges``, ``denies``, ``counterAccuses`` and ``corroborates`` (claim -> incident mention)
plus the claim's type, polarity, hedging and offsets. Identifiers are URNs
(``urn:claimscope:claim:12``), stable within one store.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import IO, Any

from claimscope.exports import selected_article_ids
from claimscope.store.base import Store

SCHEMA_CONTEXT = "https://schema.org/"
RELATION_OF_TYPE = {"allegation": "alleges", "denial": "denies", "counter_accusation": "counterAccuses"}
CORROBORATING_TYPES = {"assertion", "estimate"}
_SPEAKER_TYPE = {"person": "Person"}


@lru_cache(maxsize=1)
def claimscope_context() -> dict[str, Any]:
    """The claimscope @context object shipped with the package."""
    path = resources.files("claimscope.exports") / "claimscope-context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def urn(kind: str, ident: Any) -> str:
    return f"urn:claimscope:{kind}:{ident}"


def _article_node(article: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": urn("article", article.id), "@type": "NewsArticle"}
    if article.title:
        node["headline"] = article.title
    if article.url:
        node["url"] = article.url
    if article.published_at:
        node["datePublished"] = article.published_at
    if article.outlet:
        node["publisher"] = {"@type": "Organization", "name": article.outlet}
    return node


def _mention_node(m: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": urn("mention", m["id"]), "@type": "Event", "eventType": m["event_type"],
                            "modality": m["modality"]}
    if m.get("agent"):
        node["agent"] = m["agent"]
    if m.get("date_start"):
        node["startDate"] = m["date_start"]
    if m.get("date_end"):
        node["endDate"] = m["date_end"]
    if m.get("place_name") or m.get("latitude") is not None:
        place: dict[str, Any] = {"@type": "Place"}
        if m.get("place_name"):
            place["name"] = m["place_name"]
        if m.get("latitude") is not None and m.get("longitude") is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": m["latitude"], "longitude": m["longitude"]}
        node["location"] = place
    for key, term in (("killed_low", "killedLow"), ("killed_high", "killedHigh"), ("injured_low", "injuredLow"),
                      ("injured_high", "injuredHigh")):
        if m.get(key) is not None:
            node[term] = m[key]
    if m.get("incident_id") is not None:
        node["incident"] = urn("incident", m["incident_id"])
    node["subjectOf"] = {"@id": urn("article", m["article_id"])}
    return node


def claim_node(c: dict[str, Any], mention_ids: list[int], techniques: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": urn("claim", c["id"]), "@type": "Claim", "text": c["text"],
        "appearance": {"@id": urn("article", c["article_id"])},
        "claimType": c["claim_type"], "polarity": c["polarity"], "hedged": bool(c["hedged"]),
        "sourceKind": c["source_kind"], "speakerKind": c["speaker_kind"],
        "textStart": c["content_start"], "textEnd": c["content_end"],
        "producer": f"{c['producer']}/{c['producer_version']}",
    }
    if c.get("speaker"):
        node["author"] = {"@type": _SPEAKER_TYPE.get(c["speaker_kind"], "Organization"), "name": c["speaker"]}
    if c.get("quote_type"):
        node["quoteType"] = c["quote_type"]
    if c.get("checkworthiness") is not None:
        node["checkworthiness"] = round(float(c["checkworthiness"]), 4)
    if c.get("published_at"):
        node["datePublished"] = c["published_at"]
    if techniques:
        node["techniques"] = techniques
    if mention_ids:
        targets = [urn("mention", i) for i in mention_ids]
        node["about"] = [{"@id": t} for t in targets]
        relation = RELATION_OF_TYPE.get(c["claim_type"])
        if relation is None and c["claim_type"] in CORROBORATING_TYPES and c["polarity"] == "affirms":
            relation = "corroborates"
        if relation:
            node[relation] = targets
    return node


def review_node(review: dict[str, Any], claim_id: int | None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": urn("review", review["id"]), "@type": "ClaimReview", "claimReviewed": review["claim_text"],
        "itemReviewed": ({"@id": urn("claim", claim_id)} if claim_id is not None else
                         {"@type": "Claim", "text": review["claim_text"],
                          "appearance": {"@id": urn("article", review["article_id"])}}),
        "reviewRating": {"@type": "Rating", "alternateName": review["rating"]},
        "datePublished": review["created_at"],
    }
    if review.get("reviewer"):
        node["author"] = {"@type": "Person", "name": review["reviewer"]}
    if review.get("note"):
        node["reviewBody"] = review["note"]
    if review.get("url"):
        node["url"] = review["url"]
    return node


def build_graph(store: Store, selection: dict[str, Any] | None = None) -> dict[str, Any]:
    ids = selected_article_ids(store, selection)
    keep = None if ids is None else set(ids)
    claims = [c for c in store.find_claims(limit=10**9) if keep is None or c["article_id"] in keep]
    claim_ids = [c["id"] for c in claims]
    about: dict[int, list[int]] = {}
    for link in store.links_from("claim", claim_ids, kind="claim_incident"):
        if link["to_type"] == "mention":
            about.setdefault(int(link["from_id"]), []).append(int(link["to_id"]))
    techniques: dict[int, list[str]] = {}
    for link in store.links_to("claim", claim_ids, kind="technique_claim"):
        labels = techniques.setdefault(int(link["to_id"]), [])
        if link["label"] and link["label"] not in labels:
            labels.append(link["label"])
    graph: list[dict[str, Any]] = []
    articles = {c["article_id"] for c in claims}
    for article_id in sorted(articles):
        article = store.article(article_id)
        if article is not None:
            graph.append(_article_node(article))
    mention_ids = sorted({i for ids_ in about.values() for i in ids_})
    for m in store.incident_mentions_by_id(mention_ids).values():
        rows = store.find_incident_mentions(article_id=m["article_id"], limit=10**9)
        graph.append(_mention_node(next((r for r in rows if r["id"] == m["id"]), m)))
    by_article: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        graph.append(claim_node(c, about.get(c["id"], []), techniques.get(c["id"], [])))
        by_article.setdefault(c["article_id"], []).append(c)
    for review in store.rows("reviews"):
        if keep is not None and review["article_id"] not in keep:
            continue
        covering = [c for c in by_article.get(review["article_id"], [])
                    if c["content_start"] <= review["start"] and review["end"] <= c["content_end"]]
        overlapping = covering or [c for c in by_article.get(review["article_id"], [])
                                   if c["content_start"] < review["end"] and review["start"] < c["content_end"]]
        graph.append(review_node(review, overlapping[0]["id"] if overlapping else None))
    return {"@context": [SCHEMA_CONTEXT, claimscope_context()], "@graph": graph}


def write_claims_jsonld(store: Store, fh: IO[str], *, selection: dict[str, Any] | None = None) -> int:
    doc = build_graph(store, selection)
    json.dump(doc, fh, ensure_ascii=False, indent=1)
    fh.write("\n")
    return sum(1 for node in doc["@graph"] if node["@type"] in ("Claim", "ClaimReview"))
