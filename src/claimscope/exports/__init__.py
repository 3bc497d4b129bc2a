"""Standard exports of a store, one module per format.

| format        | module          | what                                                            |
|---------------|-----------------|-----------------------------------------------------------------|
| ``geojson``   | geojson.py      | incident mentions with coordinates as a GeoJSON FeatureCollection |
| ``jsonld``    | claims_jsonld.py| schema.org ``Claim`` graph (+ ``ClaimReview`` for user reviews) with the claimscope @context |
| ``annotations`` | annotations.py | W3C Web Annotation collection, one annotation per stored span  |
| ``html``      | ../report.py    | one self-contained, offline HTML report of a selection          |

JSONL and CSV live in :mod:`claimscope.export`. Every writer takes a store, an open text
file and an optional *selection* (the filters of ``Store.find_articles``: outlet, since,
until, claim_type, technique, event_type, place, plus ``article_ids``) and returns the
number of records written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from claimscope.store.base import Store

FORMATS = ("geojson", "jsonld", "annotations", "html")
SELECTION_KEYS = ("outlet", "since", "until", "claim_type", "technique", "event_type", "place", "language")


def selected_article_ids(store: Store, selection: dict[str, Any] | None) -> list[str] | None:
    """Article ids a selection keeps, or None for "everything" (no selection given)."""
    if not selection:
        return None
    unknown = set(selection) - set(SELECTION_KEYS) - {"article_ids"}
    if unknown:
        raise ValueError(f"unknown selection key(s) {', '.join(sorted(unknown))}; use "
                         f"{', '.join(SELECTION_KEYS)} or article_ids")
    filters = {k: v for k, v in selection.items() if k in SELECTION_KEYS and v}
    ids = [row["id"] for row in store.find_articles(limit=10**9, **filters)] if filters else None
    if selection.get("article_ids"):
        wanted = []
        for given in selection["article_ids"]:
            article = store.article(given)
            if article is None:
                raise ValueError(f"no article {given!r} in the store")
            wanted.append(article.id)
        ids = [i for i in wanted if ids is None or i in set(ids)]
    return ids if ids is not None else None


def writer(fmt: str) -> Callable[..., int]:
    if fmt == "geojson":
        from claimscope.exports.geojson import write_geojson
        return write_geojson
    if fmt == "jsonld":
        from claimscope.exports.claims_jsonld import write_claims_jsonld
        return write_claims_jsonld
    if fmt == "annotations":
        from claimscope.exports.annotations import write_annotations
        return write_annotations
    if fmt == "html":
        from claimscope.report import write_report_to
        return write_report_to
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export(store: Store, fmt: str, fh: IO[str], selection: dict[str, Any] | None = None) -> int:
    """Write ``store`` (or a selection of its articles) to ``fh`` in ``fmt``; returns the record count."""
    return writer(fmt)(store, fh, selection=selection)
