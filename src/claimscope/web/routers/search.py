"""Search across articles (full text) and claims (every word in the claim or its speaker)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import get_store
from claimscope.web.schemas import SearchOut

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=SearchOut,
            summary='Words ANDed, "phrases", prefix*, OR, NOT over articles; matching claims alongside')
def search(q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=200),
           offset: int = Query(0, ge=0), store: Store = Depends(get_store)):
    return queries.search_all(store, q, limit=limit, offset=offset)
