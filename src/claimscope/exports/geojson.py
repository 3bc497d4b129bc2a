"""Incident mentions as GeoJSON (RFC 7946): one Point feature per located mention.

Coordinates are [longitude, latitude] in WGS 84, as the RFC requires. Mentions without
coordinates are left out (``foreign_members.unlocated`` counts them) because most GIS tools
reject features with a null geometry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from claimscope.exports import selected_article_ids
from claimscope.store.base import Store

PROPERTIES = ("id", "article_id", "article_title", "outlet", "published_at", "event_type", "sub_event_type", "agent",
              "modality", "is_main", "date_start", "date_end", "date_precision", "date_text", "place_name", "place_id",
              "geo_precision", "country", "admin1", "perpetrator", "perpetrator_kind", "target", "target_kind",
              "killed_low", "killed_high", "injured_low", "injured_high", "according_to", "start", "end",
              "incident_id", "producer", "producer_version")


def mentions(store: Store, selection: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    ids = selected_article_ids(store, selection)
    if ids is None:
        yield from store.find_incident_mentions(limit=10**9)
        return
    for article_id in ids:
        yield from store.find_incident_mentions(article_id=article_id, limit=10**9)


def feature(m: dict[str, Any]) -> dict[str, Any] | None:
    if m.get("latitude") is None or m.get("longitude") is None:
        return None
    props = {k: m.get(k) for k in PROPERTIES}
    props["is_main"] = bool(props["is_main"])
    return {"type": "Feature", "id": m["id"],
            "geometry": {"type": "Point", "coordinates": [round(float(m["longitude"]), 6),
                                                          round(float(m["latitude"]), 6)]},
            "properties": props}


def write_geojson(store: Store, fh: IO[str], *, selection: dict[str, Any] | None = None) -> int:
    features, unlocated = [], 0
    for m in mentions(store, selection):
        f = feature(m)
        if f is None:
            unlocated += 1
        else:
            features.append(f)
    json.dump({"type": "FeatureCollection", "features": features,
               "claimscope": {"kind": "incident_mentions", "unlocated": unlocated}}, fh, ensure_ascii=False)
    fh.write("\n")
    return len(features)
