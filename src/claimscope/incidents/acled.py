"""An ACLED-like table of stored incident mentions (CSV or JSONL via ``claimscope export``).

Columns follow ACLED's names; codes follow ACLED's conventions where ACLED has them:

* ``time_precision``: 1 = the day is known, 2 = within a week, 3 = within a month or more
  (unknown dates are left empty);
* ``geo_precision``: 1 = the town or neighbourhood, 2 = a district or a point near a town,
  3 = a governorate, region or country;
* ``fatalities``: the lowest figure of the mention's headline count (0 when none is given).

``notes`` says what ACLED does not have columns for: modality, main/background, weapon, the date
as written, and the article. The extra columns after ``notes`` carry the same as fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimscope.incidents.taxonomy import EVENT_TYPES
from claimscope.store.base import Store

COLUMNS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "location",
           "latitude", "longitude", "geo_precision", "fatalities", "source", "notes",
           "modality", "is_main", "agent", "article_id", "mention_id")

_TIME_PRECISION = {"datetime": 1, "day": 1, "week": 2, "month": 3, "year": 3}
_GEO_PRECISION = {"neighbourhood": 1, "town": 1, "district": 2, "region": 3, "governorate": 3, "country": 3}


def acled_row(mention: dict[str, Any], outlet: str | None = None) -> dict[str, Any]:
    """One stored mention row as an ACLED-like row."""
    etype = EVENT_TYPES.get(mention["event_type"])
    precision = mention.get("date_precision") or "unknown"
    notes = [f"{mention['modality']} incident", "main incident" if mention.get("is_main") else "background"]
    if mention.get("agent"):
        notes.append(f"weapon: {mention['agent']}")
    if mention.get("date_text"):
        notes.append(f"date as written: {mention['date_text']}")
    if mention.get("injured_low") is not None:
        notes.append(f"injured: {mention['injured_low']}")
    notes.append(f"article {mention['article_id']}")
    source = outlet or ""
    if mention.get("according_to") and mention["according_to"] != outlet:
        source = f"{source}; {mention['according_to']}" if source else mention["according_to"]
    return {
        "event_date": mention.get("date_start") or "",
        "time_precision": _TIME_PRECISION.get(precision, ""),
        "event_type": etype.acled_event_type if etype else "",
        "sub_event_type": mention.get("sub_event_type") or (etype.acled_sub_event_type if etype else ""),
        "actor1": mention.get("perpetrator") or "",
        "actor2": mention.get("target") or "",
        "location": mention.get("place_name") or "",
        "latitude": mention.get("latitude") if mention.get("latitude") is not None else "",
        "longitude": mention.get("longitude") if mention.get("longitude") is not None else "",
        "geo_precision": _GEO_PRECISION.get(mention.get("geo_precision") or "", ""),
        "fatalities": mention.get("killed_low") or 0,
        "source": source,
        "notes": "; ".join(notes),
        "modality": mention["modality"],
        "is_main": bool(mention.get("is_main")),
        "agent": mention.get("agent") or "",
        "article_id": mention["article_id"],
        "mention_id": mention.get("id"),
    }


def acled_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every stored incident mention as an ACLED-like row (columns in ``COLUMNS``)."""
    outlets: dict[str, str | None] = {}
    for mention in store.rows("incident_mentions"):
        article_id = mention["article_id"]
        if article_id not in outlets:
            article = store.article(article_id)
            outlets[article_id] = article.outlet if article is not None else None
        yield acled_row(mention, outlets[article_id])


def write_acled(store: Store, fh, fmt: str = "acled") -> int:
    """Write the ACLED-like table as CSV (``acled``) or one JSON object a line (``acled-jsonl``)."""
    import csv
    import json

    count = 0
    writer = None
    if fmt == "acled":
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
    for row in acled_rows(store):
        if writer is not None:
            writer.writerow(row)
        else:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
