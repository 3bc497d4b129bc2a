"""Incident mentions and the dossier of one mention.

Clustering mentions from many articles into incidents is a later issue; until then a
dossier is built around one mention (see claimscope.web.queries.dossier).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from claimscope.store.base import Store
from claimscope.web import queries
from claimscope.web.deps import Paging, date_query, get_store
from claimscope.web.schemas import Dossier, ErrorOut, Loose, MentionPage

router = APIRouter(prefix="/api/incidents", tags=["incidents"])


@router.get("/mentions", response_model=MentionPage, summary="Incident mentions, latest incident date first")
def list_mentions(paging: Paging = Depends(), store: Store = Depends(get_store),
                  article_id: str | None = Query(None, max_length=64),
                  incident_type: str | None = Query(None, max_length=80),
                  place: str | None = Query(None, max_length=300),
                  outlet: str | None = Query(None, max_length=300),
                  since: str | None = date_query("Incident dates end on or after"),
                  until: str | None = date_query("Incident dates start on or before")):
    return paging.page(store.find_incident_mentions, article_id=article_id, event_type=incident_type, place=place,
                       outlet=outlet, since=since, until=until)


@router.get("/mentions/{mention_id}", response_model=Loose, responses={404: {"model": ErrorOut}},
            summary="One incident mention")
def get_mention(mention_id: int, store: Store = Depends(get_store)):
    mention = store.incident_mentions_by_id([mention_id]).get(mention_id)
    if mention is None:
        raise HTTPException(404, f"no incident mention {mention_id}")
    return mention


@router.get("/mentions/{mention_id}/dossier", response_model=Dossier, responses={404: {"model": ErrorOut}},
            summary="Dossier of one mention: allegations, denials, counter-accusations, corroborations, "
                    "casualty figures per source, related mentions, map points, evidence spans")
def get_dossier(mention_id: int, store: Store = Depends(get_store)):
    found = queries.dossier(store, mention_id)
    if found is None:
        raise HTTPException(404, f"no incident mention {mention_id}")
    return found


@router.get("", response_model=dict, summary="Clustered incidents, when corpus-level linking has run")
def list_incidents(paging: Paging = Depends(), store: Store = Depends(get_store)):
    page = paging.page(store.incidents)
    page["clustered"] = bool(page["items"]) or paging.offset > 0
    page["message"] = None if page["clustered"] else (
        "no clustered incidents in this store yet: mentions are grouped into incidents by corpus-level linking; "
        "until then use /api/incidents/mentions and /api/incidents/mentions/{id}/dossier")
    return page


@router.get("/{incident_id}", response_model=Loose, responses={404: {"model": ErrorOut}},
            summary="One clustered incident with its mentions (each mention has a dossier)")
def get_incident(incident_id: int, store: Store = Depends(get_store)):
    incident = store.incident(incident_id)
    if incident is None:
        raise HTTPException(404, f"no incident {incident_id} (incidents exist once corpus-level linking has run)")
    return {**incident, "mentions": store.mentions_of_incident(incident_id)}
