"""Persuasion techniques: the taxonomy with counts, and technique spans."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import Paging, get_store
from claimscope.web.schemas import Loose, TechniqueSpanPage

router = APIRouter(prefix="/api/techniques", tags=["techniques"])


@router.get("", response_model=list[Loose], summary="Every technique: name, group, definition and counts here")
def catalogue(store: Store = Depends(get_store)):
    return queries.technique_catalogue(store)


@router.get("/spans", response_model=TechniqueSpanPage, summary="Technique spans, by article and offset")
def spans(paging: Paging = Depends(), store: Store = Depends(get_store),
          article_id: str | None = Query(None, max_length=64), technique: str | None = Query(None, max_length=80)):
    return paging.page(store.technique_spans, article_id=article_id, technique=technique)
