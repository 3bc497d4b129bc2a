"""A self-contained static HTML report of a store (one file, opens offline).

Article text is untrusted: everything is escaped, and the page forbids scripts through
its Content-Security-Policy, so a hostile article cannot run code in the reader's browser.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import IO, Any

from claimscope import __version__
from claimscope.store.base import Store

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f6}.num{text-align:right}.muted{color:#777}.tag{background:#eef;border-radius:3px;padding:0 4px;font-size:12px}
.stats{display:flex;gap:1rem;flex-wrap:wrap}.stat{background:#f6f6f6;border-radius:6px;padding:.5rem 1rem}.stat b{font-size:1.4rem;display:block}
"""


def write_report(store: Store, path: str | Path, *, title: str = "claimscope report", limit: int = 500,
                 selection: dict[str, Any] | None = None) -> Path:
    path = Path(path)
    html = render_report(store, title=title, limit=limit, selection=selection)
    tmp = path.with_name(f".{path.name}.part")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_report_to(store: Store, fh: IO[str], *, selection: dict[str, Any] | None = None,
                    title: str = "claimscope report", limit: int = 5000) -> int:
    """The report of a selection (see claimscope.exports) written to an open file; returns the
    number of articles it covers."""
    html = render_report(store, title=title, limit=limit, selection=selection)
    fh.write(html)
    return html.count('<tr class="article">')


def _describe(selection: dict[str, Any]) -> str:
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in selection.items() if v and k != "article_ids"]
    if selection.get("article_ids"):
        parts.append(f"{len(selection['article_ids'])} chosen articles")
    return "; ".join(parts)


def render_report(store: Store, *, title: str = "claimscope report", limit: int = 500,
                  selection: dict[str, Any] | None = None) -> str:
    """The whole store (first ``limit`` records of each kind), or only the articles a selection
    keeps (with everything extracted from them)."""
    from claimscope.exports import selected_article_ids

    e = escape
    ids = selected_article_ids(store, selection)
    if ids is not None:
        return _render_selection(store, ids[:limit], title=title, selection=selection or {})
    stats = store.stats()
    outlets = {o.id: o for o in store.outlets()}
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class=muted>Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by claimscope {e(__version__)} "
        f"from {e(str(getattr(store, 'path', store.url)))}.</p>",
        "<div class=stats>",
    ]
    for key in ("articles", "duplicates", "outlets", "claims", "incidents", "incident_mentions", "techniques"):
        parts.append(f"<div class=stat><b>{stats[key]}</b>{e(key.replace('_', ' '))}</div>")
    parts.append("</div>")

    parts.append("<h2>Outlets</h2><table><tr><th>Outlet</th><th>Kind</th><th>Country</th><th>Owner</th><th class=num>Articles</th></tr>")
    per_outlet: dict[int | None, int] = {}
    articles = store.articles(limit=limit)
    for article in articles:
        per_outlet[article.outlet_id] = per_outlet.get(article.outlet_id, 0) + 1
    for outlet in outlets.values():
        parts.append(f"<tr><td>{e(outlet.name)}</td><td><span class=tag>{e(str(outlet.kind))}</span></td>"
                     f"<td>{e(outlet.country or '')}</td><td>{e(outlet.owner or '')}</td>"
                     f"<td class=num>{per_outlet.get(outlet.id, 0)}</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Articles</h2><table><tr><th>Published</th><th>Outlet</th><th>Title</th><th>Lang</th><th>Id</th></tr>")
    for article in articles:
        dup = f" <span class=tag>copy of {e(article.duplicate_of[:10])}</span>" if article.duplicate_of else ""
        parts.append(f"<tr class=\"article\"><td>{e(article.published_at or '')}</td><td>{e(article.outlet or '')}</td>"
                     f"<td>{e(article.title or article.text[:80])}{dup}</td><td>{e(article.language or '')}</td>"
                     f"<td class=muted>{e(article.id[:12])}</td></tr>")
    parts.append("</table>")

    claims = store.claims(limit=limit)
    if claims:
        parts.append("<h2>Claims</h2><table><tr><th>Speaker</th><th>Type</th><th>Polarity</th><th>Claim</th><th>Article</th></tr>")
        for claim in claims:
            parts.append(f"<tr><td>{e(claim['speaker'] or '(' + claim['source_kind'] + ')')}</td>"
                         f"<td><span class=tag>{e(claim['claim_type'])}</span></td><td>{e(claim['polarity'])}</td>"
                         f"<td>{e(claim['text'])}</td><td class=muted>{e(claim['article_id'][:12])}</td></tr>")
        parts.append("</table>")
    mentions = store.incident_mentions(limit=limit)
    if mentions:
        parts.append("<h2>Incident mentions</h2><table><tr><th>Type</th><th>Agent</th><th>When</th><th>Where</th>"
                     "<th>Modality</th><th class=num>Killed</th><th>Article</th></tr>")
        for m in mentions:
            killed = "" if m["killed_low"] is None else str(m["killed_low"]) + (f"–{m['killed_high']}" if m["killed_high"] else "")
            parts.append(f"<tr><td>{e(m['event_type'])}</td><td>{e(m['agent'] or '')}</td><td>{e(m['date_start'] or '')}</td>"
                         f"<td>{e(m['place_name'] or '')}</td><td>{e(m['modality'])}</td><td class=num>{e(killed)}</td>"
                         f"<td class=muted>{e(m['article_id'][:12])}</td></tr>")
        parts.append("</table>")
    techniques = store.technique_spans(limit=limit)
    if techniques:
        texts = {a.id: a.text for a in articles}
        parts.append("<h2>Persuasion techniques</h2><table><tr><th>Technique</th><th>Span</th><th>Article</th></tr>")
        for t in techniques:
            excerpt = texts.get(t["article_id"], "")[t["start"]:t["end"]]
            parts.append(f"<tr><td><span class=tag>{e(t['technique'])}</span></td><td>{e(excerpt)}</td>"
                         f"<td class=muted>{e(t['article_id'][:12])}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


_SELECTION_CSS = """
article.item{border-top:2px solid #ddd;margin-top:1.5rem}.text{white-space:pre-wrap;font-family:Georgia,serif}
.sp{font-weight:700;color:#113a73}.cue{font-style:italic;text-decoration:underline dotted}
.ct{background:#eef3fb;border-bottom:2px solid #9db4d8}.tq{background:#fff3b0}.inc{outline:1.5px solid #e09a2b}
"""


def _render_selection(store: Store, ids: list[str], *, title: str, selection: dict[str, Any]) -> str:
    """Per article: metadata, the text with claims, techniques and incident triggers marked
    (escaped segment by segment), then tables of its claims and incident mentions."""
    from claimscope.web.highlight import segments

    e = escape
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(title)}</title><style>{_CSS}{_SELECTION_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class=muted>Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by claimscope {e(__version__)}; "
        f"selection: {e(_describe(selection)) or 'everything'}; {len(ids)} articles.</p>",
        "<table><tr><th>Published</th><th>Outlet</th><th>Title</th><th class=num>Claims</th></tr>",
    ]
    articles = [a for a in (store.article(i) for i in ids) if a is not None]
    claims = {a.id: store.claims(article_id=a.id) for a in articles}
    for a in articles:
        parts.append(f"<tr class=\"article\"><td>{e(a.published_at or '')}</td><td>{e(a.outlet or '')}</td>"
                     f"<td><a href=\"#a-{e(a.id)}\">{e(a.title or a.text[:80])}</a></td>"
                     f"<td class=num>{len(claims[a.id])}</td></tr>")
    parts.append("</table>")
    css = {"c-speaker": "sp", "c-cue": "cue", "c-content": "ct", "incident": "inc"}
    for a in articles:
        techniques = store.technique_spans(article_id=a.id)
        mentions = store.incident_mentions(article_id=a.id)
        parts.append(f"<article class=item id=\"a-{e(a.id)}\"><h2>{e(a.title or '(untitled)')}</h2>"
                     f"<p class=muted>{e(a.outlet or 'unknown outlet')} · {e(a.published_at or 'undated')} · "
                     f"{e(a.url or '')} · id {e(a.id)}</p><div class=text>")
        for seg in segments(a.text, claims=claims[a.id], techniques=techniques, mentions=mentions):
            classes = [css[r] for r in sorted(seg.roles) if r in css] + (["tq"] if seg.techniques else [])
            tip = ", ".join(seg.techniques)
            attrs = (f' class="{" ".join(classes)}"' if classes else "") + (f' title="{e(tip)}"' if tip else "")
            parts.append(f"<span{attrs}>{e(seg.text)}</span>" if attrs else e(seg.text))
        parts.append("</div>")
        if claims[a.id]:
            parts.append("<h3>Claims</h3><table><tr><th>Speaker</th><th>Type</th><th>Claim</th></tr>")
            for c in claims[a.id]:
                parts.append(f"<tr><td>{e(c['speaker'] or '(' + c['source_kind'] + ')')}</td>"
                             f"<td><span class=tag>{e(c['claim_type'])}</span></td><td>{e(c['text'])}</td></tr>")
            parts.append("</table>")
        if mentions:
            parts.append("<h3>Incident mentions</h3><table><tr><th>Type</th><th>When</th><th>Where</th>"
                         "<th>Modality</th></tr>")
            for m in mentions:
                parts.append(f"<tr><td>{e(m['event_type'])}</td><td>{e(m['date_start'] or '')}</td>"
                             f"<td>{e(m['place_name'] or '')}</td><td>{e(m['modality'])}</td></tr>")
            parts.append("</table>")
        parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts)
