"""Standard exports over HTTP: GeoJSON, schema.org Claim JSON-LD, Web Annotations, HTML report."""

from __future__ import annotations

import io

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from claimscope.exports import FORMATS, export
from claimscope.store.base import Store
from claimscope.web.deps import date_query, get_store
from claimscope.web.schemas import ErrorOut

router = APIRouter(prefix="/api/export", tags=["exports"])
MEDIA = {"geojson": "application/geo+json", "jsonld": "application/ld+json", "annotations": "application/ld+json",
         "html": "text/html; charset=utf-8"}
SUFFIX = {"geojson": "geojson", "jsonld": "jsonld", "annotations": "jsonld", "html": "html"}


@router.get("/{fmt}", responses={200: {"content": {m: {} for m in MEDIA.values()}}, 404: {"model": ErrorOut}},
            summary="Download an export of the store or of a selection of its articles")
def download(fmt: str, store: Store = Depends(get_store),
             outlet: str | None = Query(None, max_length=300), since: str | None = date_query("Published on or after"),
             until: str | None = date_query("Published on or before"),
             claim_type: str | None = Query(None, max_length=40), technique: str | None = Query(None, max_length=80),
             incident_type: str | None = Query(None, max_length=80), place: str | None = Query(None, max_length=300),
             article_id: list[str] | None = Query(None, description="Only these articles (repeatable)")):
    if fmt not in FORMATS:
        raise HTTPException(404, f"no export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selection = {k: v for k, v in {"outlet": outlet, "since": since, "until": until, "claim_type": claim_type,
                                   "technique": technique, "event_type": incident_type, "place": place,
                                   "article_ids": article_id}.items() if v}
    buffer = io.StringIO()
    try:
        export(store, fmt, buffer, selection or None)
    except ValueError as exc:
        raise HTTPException(404 if "no article" in str(exc) else 422, str(exc)) from None
    headers = {"Content-Disposition": f'attachment; filename="claimscope.{SUFFIX[fmt]}"'}
    return Response(buffer.getvalue(), media_type=MEDIA[fmt], headers=headers)
