"""Per-outlet profiles: claim types, stances and technique rates per 1,000 words."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import get_store
from claimscope.web.schemas import ErrorOut, Loose

router = APIRouter(prefix="/api/outlets", tags=["outlets"])


@router.get("", response_model=list[Loose], summary="Every outlet's profile, most articles first")
def profiles(store: Store = Depends(get_store)):
    return queries.outlet_profiles(store)


@router.get("/{outlet}", response_model=Loose, responses={404: {"model": ErrorOut}},
            summary="One outlet's profile by id, name or domain")
def profile(outlet: str, store: Store = Depends(get_store)):
    found = queries.outlet_profile(store, outlet)
    if found is None:
        raise HTTPException(404, f"no outlet {outlet!r}")
    return found
