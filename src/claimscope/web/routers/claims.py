"""Claims: filtered lists, one claim with its links, and similar-claim search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import Paging, date_query, get_store
from claimscope.web.schemas import ClaimPage, ClaimRow, ErrorOut, Loose

router = APIRouter(prefix="/api", tags=["claims"])


@router.get("/claims", response_model=ClaimPage, summary="Claims, newest article first")
def list_claims(paging: Paging = Depends(), store: Store = Depends(get_store),
                article_id: str | None = Query(None, max_length=64),
                claim_type: str | None = Query(None, max_length=40),
                polarity: str | None = Query(None, max_length=20),
                source_kind: str | None = Query(None, max_length=20),
                speaker: str | None = Query(None, max_length=300, description="Speaker contains (any case)"),
                text: str | None = Query(None, max_length=500, description="Words that must all occur"),
                outlet: str | None = Query(None, max_length=300),
                since: str | None = date_query("Article published on or after"),
                until: str | None = date_query("Article published on or before"),
                technique: str | None = Query(None, max_length=80, description="Claim served by this technique"),
                incident_type: str | None = Query(None, max_length=80),
                place: str | None = Query(None, max_length=300),
                min_checkworthiness: float | None = Query(None, ge=0, le=1)):
    return paging.page(store.find_claims, article_id=article_id, claim_type=claim_type, polarity=polarity,
                       source_kind=source_kind, speaker=speaker, text=text, outlet=outlet, since=since, until=until,
                       technique=technique, event_type=incident_type, place=place,
                       min_checkworthiness=min_checkworthiness)


@router.get("/claims/{claim_id}", response_model=ClaimRow, responses={404: {"model": ErrorOut}},
            summary="One claim with its article's outlet and date, its techniques and links")
def get_claim(claim_id: int, store: Store = Depends(get_store)):
    claim = queries.claim_detail(store, claim_id)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_id}")
    return claim


@router.get("/similar", response_model=list[Loose], responses={503: {"model": ErrorOut}},
            summary="Claims closest in meaning to a text (has this been claimed before, and by whom?)")
def similar(request: Request, text: str = Query(..., min_length=1, max_length=2000),
            k: int = Query(10, ge=1, le=100), min_score: float = Query(0.0, ge=-1, le=1)):
    try:
        return request.app.state.cs.similar(text, k=k, min_score=min_score)
    except FileNotFoundError as exc:
        raise HTTPException(503, f"similar-claim search needs the shipped claim encoder: {exc}") from None
