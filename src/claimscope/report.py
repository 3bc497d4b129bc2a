"""A self-contained static HTML report of a store (one file, opens offline).

Article text is untrusted: everything is escaped, and the page forbids scripts through
its Content-Security-Policy, so a hostile article cannot run code in the reader's browser.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from claimscope import __version__
from claimscope.store.base import Store

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f6}.num{text-align:right}.muted{color:#777}.tag{background:#eef;border-radius:3px;padding:0 4px;font-size:12px}
.stats{display:flex;gap:1rem;flex-wrap:wrap}.stat{background:#f6f6f6;border-radius:6px;padding:.5rem 1rem}.stat b{font-size:1.4rem;display:block}
"""


def write_report(store: Store, path: str | Path, *, title: str = "claimscope report", limit: int = 500) -> Path:
    path = Path(path)
    html = render_report(store, title=title, limit=limit)
    tmp = path.with_name(f".{path.name}.part")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path


def render_report(store: Store, *, title: str = "claimscope report", limit: int = 500) -> str:
    e = escape
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
        parts.append(f"<tr><td>{e(article.published_at or '')}</td><td>{e(article.outlet or '')}</td>"
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
