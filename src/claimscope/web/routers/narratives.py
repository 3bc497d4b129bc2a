"""Narratives: computed in a later version; the endpoint says so rather than answering empty."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import get_store
from claimscope.web.schemas import NarrativesOut

router = APIRouter(prefix="/api/narratives", tags=["narratives"])


@router.get("", response_model=NarrativesOut, summary="Narratives over time (not computed yet in this version)")
def narratives(store: Store = Depends(get_store)):
    return queries.narratives(store)
