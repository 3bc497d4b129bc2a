"""Health and store statistics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from claimscope import __version__
from claimscope.store.base import Store
from claimscope.web.deps import get_store

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/health", summary="Liveness, version and store counts")
def health(store: Store = Depends(get_store)) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "schema_version": store.schema_version(), "stats": store.stats()}
