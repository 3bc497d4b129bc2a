"""Web and API safety, found by walking the app's own route table (so a new endpoint is covered
without editing this file): token-only writes on every write endpoint, no CSRF surface (no
cookies, no CORS, cross-site form posts refused), strict CSP on every kind of response,
injection strings in every query parameter of every GET endpoint, upload file names and static
paths that try to traverse, rate limiting of failed token guesses.

test_api_rest.py and test_web.py cover the basic cases (escaping, one CSP check, token from
the environment, injection in the documented filters); the browser checks are in
test_browser.py and test_browser_hostile.py.
"""

from __future__ import annotations

import re
import tempfile
import urllib.parse
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from invented import ARTICLE_B  # noqa: E402
from test_store_queries import INJECTIONS  # noqa: E402
from test_web_support import copy_db, demo_db, xss_article_id  # noqa: E402

from claimscope.web import create_app  # noqa: E402

TOKEN = "hostile-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MORE_INJECTIONS = INJECTIONS + ["'; ATTACH DATABASE '/tmp/x.db' AS x; --", "0 OR 1=1", "%' AND 1=1 --",
                                "\u0000", "../../etc/passwd", "<script>alert(1)</script>", "a" * 400,
                                "1e999", "-1", "NEAR(a b, -1)", '" OR ""="', "\\' OR 1=1 --"]


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory):
    app = create_app(copy_db(tmp_path_factory.mktemp("hostile")), token=TOKEN, write_rate_per_minute=0)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def _routes(app):
    """Every APIRoute of the app, with its full path (FastAPI wraps included routers)."""
    from dataclasses import dataclass

    from fastapi.routing import APIRoute

    @dataclass
    class Found:
        path: str
        methods: set
        dependant: object

    def walk(routes, prefix=""):
        for route in routes:
            if isinstance(route, APIRoute):
                yield Found(prefix + route.path, set(route.methods), route.dependant)
            elif hasattr(route, "original_router"):
                inner_prefix = getattr(getattr(route, "include_context", None), "prefix", "") or ""
                yield from walk(route.original_router.routes, prefix + inner_prefix)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                yield from walk(route.routes, prefix)

    found = list(walk(app.routes))
    assert len(found) >= 25, [f.path for f in found]
    return found


def _sample_path(path: str) -> str:
    ids = {"article_id": xss_article_id(), "claim_id": "1", "mention_id": "1", "incident_id": "1", "job_id": "x",
           "outlet": "Kestria Today", "fmt": "geojson"}
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: ids.get(m.group(1), "1"), path)


def test_every_write_endpoint_needs_the_token(app_and_client):
    app, client = app_and_client
    writes = [(m, r.path) for r in _routes(app) for m in r.methods if m in ("POST", "PUT", "PATCH", "DELETE")]
    assert len(writes) >= 5, writes
    before = client.get("/api/health").json()["stats"]
    for method, path in writes:
        url = _sample_path(path)
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + TOKEN},
                        {"Authorization": f"bearer{TOKEN}"}, {"Cookie": f"token={TOKEN}"}, {"X-Token": TOKEN}):
            r = client.request(method, url, headers=headers, json={"text": ARTICLE_B})
            assert r.status_code in (401, 403), (method, path, headers, r.status_code, r.text[:200])
    assert client.get("/api/health").json()["stats"] == before


def test_no_csrf_surface_no_cookies_no_cors(app_and_client):
    app, client = app_and_client
    origin = {"Origin": "https://evil.example"}
    for path in ("/", "/api/health", "/api/articles", f"/articles/{xss_article_id()}"):
        r = client.get(path, headers=origin)
        assert "set-cookie" not in r.headers and "access-control-allow-origin" not in r.headers, path
    preflight = client.options("/api/ingest/text", headers={**origin, "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code in (400, 405) and "access-control-allow-origin" not in preflight.headers
    # what a hostile page can send cross-site without CORS: simple forms and text/plain bodies
    before = client.get("/api/health").json()["stats"]
    simple = [dict(data={"text": ARTICLE_B}), dict(files={"file": ("a.txt", ARTICLE_B.encode(), "text/plain")}),
              dict(content=f'{{"text": "{ARTICLE_B}"}}', headers={"Content-Type": "text/plain"})]
    for path in ("/api/ingest/text", "/api/ingest/file", "/api/ingest/html", "/api/ingest/url", "/api/analyze"):
        for kwargs in simple:
            headers = {**origin, **kwargs.pop("headers", {})}
            r = client.post(path, headers=headers, **kwargs)
            assert r.status_code in (401, 403), (path, r.status_code)
    assert client.get("/api/health").json()["stats"] == before


def test_strict_csp_on_every_kind_of_response(app_and_client):
    _, client = app_and_client
    for path in ("/", "/api/health", "/api/nothing", "/nothing", "/static/app.js", "/static/app.css",
                 "/api/export/geojson", "/api/export/html", "/api/openapi.json", f"/articles/{xss_article_id()}"):
        r = client.get(path)
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp, path
        assert r.headers.get("x-content-type-options") == "nosniff", path
    report = client.get("/api/export/html").text
    assert "<script" not in report.lower()


def test_injection_strings_in_every_query_parameter_of_every_read(app_and_client):
    app, client = app_and_client
    before = client.get("/api/health").json()["stats"]
    reads = [r for r in _routes(app) if "GET" in r.methods]
    checked = 0
    for route in reads:
        params = [p.name for p in route.dependant.query_params] + \
                 [p.name for d in route.dependant.dependencies for p in d.query_params]
        url = _sample_path(route.path)
        for name in params:
            for evil in MORE_INJECTIONS:
                r = client.get(url, params={name: evil})
                checked += 1
                assert r.status_code < 500, (route.path, name, evil, r.text[:300])
                assert "database is locked" not in r.text and "sqlite3." not in r.text and "syntax error" not in r.text
        for evil in MORE_INJECTIONS:  # and in every path parameter
            if "{" in route.path:
                quoted = urllib.parse.quote(evil, safe="")
                evil_url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: quoted, route.path)
                r = client.get(evil_url)
                assert r.status_code < 500, (route.path, evil, r.text[:300])
    assert checked > 300
    assert client.get("/api/health").json()["stats"] == before


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/evil.txt", "..\\..\\evil.txt", "a\x00b.txt",
                                  "x" * 400 + ".txt", "..", ".txt", "%2e%2e%2fevil.txt", "a/b/../../c.txt",
                                  "\u202eevil.txt", "evil.txt\r\nX-Injected: 1", "CON.txt"])
def test_upload_file_names_cannot_traverse_or_crash(app_and_client, name, tmp_path):
    _, client = app_and_client
    body = f"Upload {abs(hash(name))}\n\n{ARTICLE_B} ({abs(hash(name))})"
    r = client.post("/api/ingest/file", headers=AUTH, files={"file": (name, body.encode(), "text/plain")})
    assert r.status_code in (200, 201, 415, 422), (r.status_code, r.text[:300])
    for place in (Path("/etc"), Path.cwd(), Path(tempfile.gettempdir()), Path(tempfile.gettempdir()).parent):
        assert not (place / "evil.txt").exists() and not (place / "c.txt").exists(), place
    if r.status_code in (200, 201):  # the client's name is never a path: the upload is stored as upload.txt
        article_id = (r.json()["added"] + r.json()["existing"])[0]
        sighting = client.get(f"/api/articles/{article_id}").json()["article"]
        assert "evil" not in str(sighting.get("source_ref") or "")


def test_static_and_page_paths_cannot_traverse(app_and_client):
    _, client = app_and_client
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                 "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/app.css/../../../pyproject.toml",
                 "/static//etc/passwd", "/static/%00", "/static/..%5c..%5cpyproject.toml",
                 "/articles/..%2f..%2fetc%2fpasswd", "/api/export/..%2f..%2fpyproject.toml"):
        r = client.get(path)
        assert r.status_code in (400, 404, 422), (path, r.status_code)
        assert "root:" not in r.text and "[build-system]" not in r.text, path


def test_failed_token_guesses_are_rate_limited(tmp_path):
    app = create_app(copy_db(tmp_path), token=TOKEN, write_rate_per_minute=3)
    with TestClient(app) as client:
        codes = [client.post("/api/ingest/text", json={"text": ARTICLE_B},
                             headers={"Authorization": f"Bearer guess{i}"}).status_code for i in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        # the right token does not bypass the limit either
        assert client.post("/api/ingest/text", json={"text": ARTICLE_B}, headers=AUTH).status_code == 429


def test_article_source_links_only_for_web_urls(tmp_path):
    path = copy_db(tmp_path)
    from claimscope.store import open_store

    store = open_store(path)
    article_id = xss_article_id()
    store.conn.execute("UPDATE articles SET url = ? WHERE id = ?", ("javascript:window.__pwned='url'", article_id))
    store.close()
    with TestClient(create_app(path)) as client:
        html = client.get(f"/articles/{article_id}").text
        assert 'href="javascript:' not in html and "source</a>" not in html
    assert demo_db() != path


def test_search_language_never_errors_whatever_is_typed(tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from claimscope.store import open_store

    store = open_store(copy_db(tmp_path))
    words = st.sampled_from(["OR", "AND", "NOT", "NEAR", "NEAR(", "*", '"', "(", ")", "^", ":", "-", "+", "\x00",
                             "gas", "chlorine*", '"market', "shelling", "{", "}", "col:x", "'"])

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.lists(words | st.text(max_size=6), max_size=8).map(" ".join))
    def search(query):
        store.search(query)  # an FTS5 syntax error would raise here

    try:
        search()
    finally:
        store.close()
