"""Stored cross-site scripting in every free-text field, in headless Chromium.

test_browser.py checks one hostile article (text, title, outlet). Here every free-text column
the analyzers and users fill (outlet owner and country, author, URL, claim speakers and texts,
incident places, agents, perpetrators, targets, labels, narrative labels, casualty groups and
sources) carries a payload that would set ``window.__pwned`` if it ever ran; the test crawls
every page reachable from the home page (bounded) plus the offline HTML report, and checks that
nothing ran, no script/img/iframe/event-handler element or javascript: link was created, and
no dialog opened.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urljoin, urlsplit

import pytest

from test_browser import CHROMIUM, Watched, browser, playwright_api, serve_app  # noqa: F401 - fixtures
from test_web_support import copy_db

pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium")]
uvicorn = pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from claimscope.web import create_app  # noqa: E402

PAYLOAD = ("<script>window.__pwned='{col}'</script><img src=x onerror=\"window.__pwned='{col}'\">"
           "<svg onload=\"window.__pwned='{col}'\"></svg>\"'><iframe src=javascript:alert(1)>")
FREE_TEXT = {
    "outlets": ["name", "owner", "country"],
    "articles": ["title", "author"],
    "claims": ["speaker", "speaker_norm", "text"],
    "incident_mentions": ["place_name", "agent", "perpetrator", "target", "according_to", "date_text", "admin1"],
    "incidents": ["label", "agent", "place_name"],
    "casualty_figures": ["group", "source"],
    "narratives": ["label"],
}
DANGEROUS = ("script:not([src]), img, iframe, object, embed, [onerror], [onload], [onclick], [onmouseover], "
             "a[href^='javascript:' i], [src^='javascript:' i]")


def _poison(db) -> int:
    conn = sqlite3.connect(db)
    changed = 0
    for table, columns in FREE_TEXT.items():
        existing = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column in existing:
                payload = PAYLOAD.format(col=f"{table}.{column}")
                changed += conn.execute(f'UPDATE {table} SET "{column}" = coalesce("{column}", \'\') || ?',
                                        (payload,)).rowcount
    conn.execute("UPDATE articles SET url = 'javascript:window.__pwned=1'")
    conn.commit()
    conn.close()
    return changed


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    db = copy_db(tmp_path_factory.mktemp("hostile-browser"))
    assert _poison(db) > 50
    with serve_app(create_app(db, token=None)) as url:
        yield url


def _check(page, where: str) -> None:
    assert page.evaluate("() => window.__pwned === undefined"), f"script ran on {where}"
    found = page.evaluate(f"() => Array.from(document.querySelectorAll({DANGEROUS!r})).map(e => e.outerHTML.slice(0, 80))")
    assert found == [], f"{where}: {found}"


def test_every_reachable_page_renders_stored_payloads_inert(browser, hostile_url):  # noqa: F811
    watched = Watched(browser, hostile_url)
    page = watched.page
    seen, queue = set(), ["/", "/incidents", "/narratives", "/outlets", "/techniques", "/search?q=script",
                          "/search?q=pwned"]
    kinds: set[str] = set()
    try:
        while queue and len(seen) < 60:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(hostile_url + path, wait_until="load")
            assert response is not None and response.status == 200, (path, response and response.status)
            _check(page, path)
            kinds.add(path.strip("/").split("/")[0].split("?")[0])
            for href in page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"):
                target = urljoin(hostile_url + path, href)
                parts = urlsplit(target)
                if target.startswith(hostile_url) and not parts.path.startswith(("/api/", "/static/")):
                    # one page of each listing, a handful of each detail view
                    key = parts.path + ("?" + parts.query if parts.query else "")
                    if sum(1 for s in seen | set(queue) if s.split("/")[1:2] == key.split("/")[1:2]) < 6:
                        queue.append(key)
        assert {"", "articles", "incidents", "outlets", "search"} <= kinds and len(seen) >= 20, (kinds, sorted(seen))
        assert not [p for p in watched.problems if "dialog" in p or "off-site" in p or "page error" in p]
    finally:
        watched.close()


def test_offline_html_report_renders_payloads_inert(browser, hostile_url):  # noqa: F811
    import httpx

    report = httpx.get(hostile_url + "/api/export/html", timeout=120).text
    watched = Watched(browser, hostile_url)
    try:
        watched.page.set_content(report, wait_until="load")
        _check(watched.page, "the HTML report")
        assert "window.__pwned" in watched.page.inner_text("body")  # shown as text
    finally:
        watched.close()
