"""The web UI in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Loads every view on the demo corpus, toggles a technique, opens an incident from an
article, and checks that a stored-XSS attempt renders as inert text. Screenshots go to
tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: install Debian's chromium "
                                                     "(apt-get install -y chromium) to run the browser tests"),
]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                                                   "(pip install playwright; no browser download)")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from test_web_support import XSS_TITLE, demo_db, xss_article_id  # noqa: E402

from claimscope.store import open_store  # noqa: E402
from claimscope.web import create_app  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(app):
    """The app on a free loopback port in a uvicorn thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url():
    with serve_app(create_app(demo_db(), token=None)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page that records console errors, CSP violations, dialogs and off-site requests."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.base_url = base_url
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: None if r.url.startswith((base_url, "data:"))
                     else self.problems.append(f"off-site request: {r.url}"))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        return response

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, base_url):
    w = Watched(browser, base_url)
    yield w
    w.close()


def _demo_ids():
    store = open_store(demo_db())
    try:
        with_techniques = next(a for a in store.find_articles(limit=500) if a["techniques"] and a["incident_mentions"]
                               and a["claims"])
        mention = next(m for m in store.find_incident_mentions(limit=500) if m["latitude"] is not None)
        return with_techniques["id"], mention["id"]
    finally:
        store.close()


def test_every_view_loads_offline_with_csp(watched):
    article_id, mention_id = _demo_ids()
    views = {"articles": "/", "article": f"/articles/{article_id}", "incidents": "/incidents",
             "dossier": f"/incidents/{mention_id}", "narratives": "/narratives", "outlets": "/outlets",
             "search": "/search?q=chlorine", "techniques": "/techniques"}
    for name, path in views.items():
        response = watched.goto(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert watched.page.locator("header.top").is_visible()
        watched.shot(f"view-{name}")
    assert watched.problems == []
    watched.goto("/")
    assert watched.page.locator("a.article-link").count() >= 10
    watched.goto("/narratives")
    assert watched.page.locator("#narratives-state").is_visible()
    watched.goto("/search?q=chlorine")
    assert watched.page.locator(".hits-articles .hit").count() > 0
    assert watched.page.locator(".hits-articles mark").count() > 0


def test_article_view_highlights_and_technique_toggle(watched):
    article_id, _ = _demo_ids()
    watched.goto(f"/articles/{article_id}")
    page = watched.page
    assert page.locator("#article-text .c-content").count() > 0
    assert page.locator("#article-text .c-speaker").count() > 0
    assert page.locator("#article-text .c-cue").count() > 0
    assert page.locator(".claim-list li").count() > 0
    toggle = page.locator(".tech-toggle").first
    label = toggle.get_attribute("data-technique")
    spans = page.locator("#article-text [data-t]").filter(has=None)
    marked = [i for i in range(spans.count()) if label in (spans.nth(i).get_attribute("data-t") or "").split()]
    assert marked, "the toggled technique has no span in the text"
    first = spans.nth(marked[0])
    assert "on" not in (first.get_attribute("class") or "").split()
    title = first.get_attribute("title") or ""
    assert ":" in title and len(title) > 20  # the technique's definition on hover
    toggle.check()
    assert "on" in first.get_attribute("class").split()
    watched.shot("article-technique-on")
    toggle.uncheck()
    assert "on" not in first.get_attribute("class").split()
    # a claim in the side panel focuses its words in the text
    page.locator(".claim-jump").first.click()
    assert page.locator("#article-text .focus").count() > 0
    assert watched.problems == []


def test_open_incident_from_article(watched):
    article_id, _ = _demo_ids()
    watched.goto(f"/articles/{article_id}")
    page = watched.page
    page.locator(".mentions a.incident-link").first.click()
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert page.locator("#dossier-title").is_visible()
    assert page.locator(".dossier-grid .column").count() == 4
    watched.shot("dossier-from-article")
    # an evidence link leads back to the article with the span highlighted
    evidence = page.locator("a.evidence").first
    if evidence.count():
        evidence.click()
        page.wait_for_url(re.compile(r"/articles/"))
        assert page.locator("#article-text .hl").count() > 0
    assert watched.problems == []


def test_dossier_map_is_inline_svg(watched):
    _, mention_id = _demo_ids()
    watched.goto(f"/incidents/{mention_id}")
    assert watched.page.locator("svg.map circle.pt").count() >= 1
    watched.shot("dossier-map")
    assert watched.problems == []


def test_stored_xss_is_inert(watched):
    article_id = xss_article_id()
    page = watched.page
    for path in (f"/articles/{article_id}", "/", "/outlets", "/search?q=shelling+market",
                 "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/articles/%3Cscript%3E"):
        page.goto(watched.base_url + path, wait_until="load")
        assert page.evaluate("() => window.__pwned === undefined"), path
        assert page.locator("script:not([src])").count() == 0, path
        assert page.locator("img").count() == 0, path
    page.goto(watched.base_url + f"/articles/{article_id}", wait_until="load")
    assert page.locator("#article-title").inner_text() == XSS_TITLE  # shown as text, tags and all
    assert "<script>" in page.locator("#article-text").inner_text()
    assert "Evil Outlet" in page.locator(".meta .outlet").inner_text()
    watched.shot("xss-article")
    assert not [p for p in watched.problems if "dialog" in p or "off-site" in p]
