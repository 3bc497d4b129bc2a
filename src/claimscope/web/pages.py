"""The web UI: server-rendered pages (Jinja2, autoescaped) over the same queries as the API.

Untrusted article text only ever reaches a page through the template engine's escaping;
the one piece of markup built in Python (the SVG map) escapes its labels itself. Pages load
/static/app.css and /static/app.js only, which the Content-Security-Policy enforces.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from claimscope import __version__
from claimscope.store.base import Store, StoreError
from claimscope.web import queries
from claimscope.web.deps import get_store
from claimscope.web.geomap import render_map
from claimscope.web.highlight import segments

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("claimscope.web") / "templates"))
templates.env.globals["version"] = __version__
PAGE = 50
CLAIM_TYPES = ("allegation", "denial", "counter_accusation", "assertion", "estimate", "commitment", "warning", "call")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


def _clean_date(value: str | None) -> str | None:
    """Filters from a form: an unparseable date is ignored rather than an error page."""
    return value if value and _DATE.match(value) else None


def _page_links(request: Request, offset: int, has_more: bool) -> dict[str, str | None]:
    params = dict(request.query_params)

    def url(new_offset: int) -> str:
        return "?" + urlencode({**params, "offset": new_offset})

    return {"prev": url(max(0, offset - PAGE)) if offset > 0 else None, "next": url(offset + PAGE) if has_more else None}


@router.get("/", response_class=HTMLResponse)
def articles_page(request: Request, store: Store = Depends(get_store), outlet: str | None = None,
                  since: str | None = None, until: str | None = None, claim_type: str | None = None,
                  technique: str | None = None, incident_type: str | None = None, place: str | None = None,
                  offset: int = Query(0, ge=0)):
    filters = {"outlet": outlet or None, "since": _clean_date(since), "until": _clean_date(until),
               "claim_type": claim_type or None, "technique": technique or None,
               "event_type": incident_type or None, "place": place or None}
    rows = store.find_articles(limit=PAGE + 1, offset=offset, **filters)
    from claimscope.rhetoric.taxonomy import LABELS

    return _render(request, "articles.html", active="articles", articles=rows[:PAGE], offset=offset,
                   pages=_page_links(request, offset, len(rows) > PAGE), outlets=store.outlets(),
                   claim_types=CLAIM_TYPES, techniques=LABELS, form={k: v or "" for k, v in {
                       "outlet": outlet, "since": since, "until": until, "claim_type": claim_type,
                       "technique": technique, "incident_type": incident_type, "place": place}.items()})


def _parse_range(value: str | None) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{1,9})-(\d{1,9})", value or "")
    return (int(match[1]), int(match[2])) if match else None


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, hl: str | None = None, store: Store = Depends(get_store)):
    try:
        detail = queries.article_detail(store, article_id, include_spans=False)
    except StoreError as exc:
        raise HTTPException(400, str(exc)) from None
    if detail is None:
        raise HTTPException(404, f"no article {article_id!r}")
    article = detail["article"]
    techniques = detail["techniques"]
    used = sorted({t["technique"] for t in techniques})
    palette = {label: i % 8 for i, label in enumerate(used)}
    info = {label: queries.technique_info(label) for label in used}
    segs = segments(article["text"], claims=detail["claims"], techniques=techniques,
                    mentions=detail["incident_mentions"], highlight=_parse_range(hl))
    counts = {label: sum(1 for t in techniques if t["technique"] == label) for label in used}
    views = [{
        "text": s.text, "cls": s.css_class, "id": s.anchors[0] if s.anchors else None, "extra_ids": s.anchors[1:],
        "href": f"/incidents/{s.mention_ids[0]}" if s.mention_ids else None,
        "data_t": " ".join(s.techniques), "data_tp": " ".join(str(palette[t]) for t in s.techniques),
        "title": "\n".join(f"{info[t]['name']}: {info[t]['definition']}" for t in s.techniques),
        "claims": " ".join(str(i) for i in s.claim_ids),
    } for s in segs]
    names = {label: queries.technique_info(label)["name"] for c in detail["claims"] for label in c["techniques"]}
    return _render(request, "article.html", active="articles", a=article, detail=detail, segments=views,
                   palette=palette, info=info, counts=counts, names=names)


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, store: Store = Depends(get_store), incident_type: str | None = None,
                   place: str | None = None, outlet: str | None = None, since: str | None = None,
                   until: str | None = None, offset: int = Query(0, ge=0)):
    rows = store.find_incident_mentions(event_type=incident_type or None, place=place or None, outlet=outlet or None,
                                        since=_clean_date(since), until=_clean_date(until), limit=PAGE + 1,
                                        offset=offset)
    return _render(request, "incidents.html", active="incidents", mentions=rows[:PAGE],
                   pages=_page_links(request, offset, len(rows) > PAGE),
                   form={"incident_type": incident_type or "", "place": place or "", "outlet": outlet or "",
                         "since": since or "", "until": until or ""})


@router.get("/incidents/{mention_id}", response_class=HTMLResponse)
def dossier_page(request: Request, mention_id: int, store: Store = Depends(get_store)):
    found = queries.dossier(store, mention_id)
    if found is None:
        raise HTTPException(404, f"no incident mention {mention_id}")
    m = found["mention"]
    svg = render_map(found["points"], title=f"Where the mentions place it: {m.get('place_name') or 'unknown'}")
    titles = {"allegation": "Allegation", "denial": "Denial", "counter_accusation": "Counter-accusation",
              "corroboration": "Corroboration"}
    return _render(request, "dossier.html", active="incidents", d=found, m=m, map_svg=Markup(svg) if svg else None,
                   column_titles=titles)


@router.get("/narratives", response_class=HTMLResponse)
def narratives_page(request: Request, store: Store = Depends(get_store)):
    n = queries.narratives(store)
    return _render(request, "narratives.html", active="narratives", n=n, stats=store.stats(),
                   bars=_timeline_bars(n["items"]))


def _timeline_bars(items: list[dict[str, Any]], width: int = 600) -> dict[str, Any] | None:
    """x offsets (SVG units) of each narrative's first..last appearance on one shared time axis."""
    from datetime import date

    def day(value: str | None) -> int | None:
        text = value or ""
        for candidate in (text[:10], text[:7] + "-01", text[:4] + "-01-01"):  # day, month or year precision
            try:
                return date.fromisoformat(candidate).toordinal()
            except ValueError:
                continue
        return None

    spans = [(day(i.get("first_seen")), day(i.get("last_seen") or i.get("first_seen"))) for i in items]
    known = [d for pair in spans for d in pair if d is not None]
    if not known:
        return None
    lo, hi = min(known), max(known)
    scale = width / max(1, hi - lo)
    rows = {}
    for item, (a, b) in zip(items, spans):
        if a is not None:
            x = (a - lo) * scale
            rows[item["id"]] = {"x": round(x, 1), "w": round(max(3.0, ((b or a) - a) * scale), 1)}
    return {"width": width, "rows": rows, "start": date.fromordinal(lo).isoformat(),
            "end": date.fromordinal(hi).isoformat()}


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request, store: Store = Depends(get_store)):
    profiles = queries.outlet_profiles(store)
    return _render(request, "outlets.html", active="outlets", profiles=profiles, claim_types=CLAIM_TYPES,
                   info={label: queries.technique_info(label)
                         for p in profiles for label in p["technique_labels"]})


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """FTS snippets mark hits with [ ]: split into (text, is_hit) pieces for the template to escape."""
    parts, pos = [], 0
    for match in re.finditer(r"\[([^\[\]]*)\]", snippet or ""):
        parts.append((snippet[pos:match.start()], False))
        parts.append((match[1], True))
        pos = match.end()
    parts.append(((snippet or "")[pos:], False))
    return [p for p in parts if p[0]]


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", store: Store = Depends(get_store)):
    results = queries.search_all(store, q[:500], limit=50) if q.strip() else None
    if results:
        for hit in results["articles"]:
            hit["parts"] = _snippet_parts(hit.get("snippet") or "")
    return _render(request, "search.html", active="search", q=q, results=results)


@router.get("/techniques", response_class=HTMLResponse)
def techniques_page(request: Request, store: Store = Depends(get_store)):
    return _render(request, "techniques.html", active="techniques", techniques=queries.technique_catalogue(store))
