"""Articles: filtered, paginated summaries and one article with everything extracted from it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from claimscope.store.base import Store, StoreError
from claimscope.web import queries
from claimscope.web.deps import Paging, date_query, get_store
from claimscope.web.schemas import ArticleDetail, ArticlePage, ErrorOut

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.get("", response_model=ArticlePage, summary="Articles, newest first, with counts of what was found in each")
def list_articles(paging: Paging = Depends(), store: Store = Depends(get_store),
                  outlet: str | None = Query(None, max_length=300, description="Outlet name, domain or id"),
                  since: str | None = date_query("Published on or after"),
                  until: str | None = date_query("Published on or before"),
                  language: str | None = Query(None, max_length=20),
                  claim_type: str | None = Query(None, max_length=40, description="Has a claim of this type"),
                  technique: str | None = Query(None, max_length=80, description="Has a span of this technique"),
                  incident_type: str | None = Query(None, max_length=80, description="Mentions an incident of "
                                                                                      "this event type"),
                  place: str | None = Query(None, max_length=300, description="Mentions an incident at this "
                                                                              "place (name, id or governorate)"),
                  include_duplicates: bool = True):
    return paging.page(store.find_articles, outlet=outlet, since=since, until=until, language=language,
                       claim_type=claim_type, technique=technique, event_type=incident_type, place=place,
                       include_duplicates=include_duplicates)


@router.get("/{article_id}", response_model=ArticleDetail, responses={404: {"model": ErrorOut}},
            summary="One article (id or unambiguous prefix) with spans, claims, techniques and incident mentions")
def get_article(article_id: str, store: Store = Depends(get_store),
                spans: bool = Query(True, description="Include the generic spans (sentences, attribution ...)")):
    try:
        detail = queries.article_detail(store, article_id, include_spans=spans)
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from None
    if detail is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return detail
