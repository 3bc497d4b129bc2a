"""Web UI pages through the app (no browser): escaping, CSP, filters, empty and error states."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from test_web_support import XSS_OUTLET, XSS_TITLE, demo_db, first_mention_with_place, xss_article_id  # noqa: E402

from claimscope.store import StoreError, open_store  # noqa: E402
from claimscope.web import create_app  # noqa: E402
from claimscope.web.highlight import segments  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(demo_db())) as c:
        yield c


def test_pages_escape_untrusted_text(client):
    article_id = xss_article_id()
    for path in (f"/articles/{article_id}", "/", "/outlets", "/search?q=shelling"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert re.search(r"<script(?![^>]*src=\"/static/app.js\")", html) is None, path
    html = client.get(f"/articles/{article_id}").text
    assert "&lt;script&gt;window.__pwned" in html
    assert XSS_TITLE not in html and XSS_OUTLET not in html
    reflected = client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in reflected
    missing = client.get("/articles/<script>x</script>")
    assert missing.status_code == 404 and "<script>x" not in missing.text


def test_pages_send_strict_csp_and_no_inline_code(client):
    for path in ("/", "/incidents", "/narratives", "/outlets", "/techniques", "/search?q=gas"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert " style=" not in r.text and " onclick=" not in r.text and "<style" not in r.text
    assert client.get("/static/app.js").headers["content-type"].startswith(("text/javascript",
                                                                            "application/javascript"))


def test_article_page_marks_claim_parts_and_mentions(client):
    store = open_store(demo_db())
    mention = first_mention_with_place(store)
    store.close()
    html = client.get(f"/articles/{mention['article_id']}").text
    for css in ("c-speaker", "c-cue", "c-content", "incident"):
        assert f'class="{css}' in html or f" {css}" in html, css
    assert f'href="/incidents/{mention["id"]}"' in html
    highlighted = client.get(f"/articles/{mention['article_id']}", params={"hl": f"{mention['start']}-{mention['end']}"})
    assert 'id="hl"' in highlighted.text


def test_dossier_and_filters(client):
    store = open_store(demo_db())
    mention = first_mention_with_place(store)
    store.close()
    html = client.get(f"/incidents/{mention['id']}").text
    for title in ("Allegation", "Denial", "Counter-accusation", "Corroboration", "Casualty figures", "<svg"):
        assert title in html
    assert "later version" in client.get("/incidents").text or "clustered" in html
    assert client.get("/incidents/999999").status_code == 404
    filtered = client.get("/", params={"outlet": "Kestrian State News Agency", "since": "not a date"})
    assert filtered.status_code == 200 and "Kestrian State News Agency" in filtered.text


def test_segments_cover_text_exactly_once():
    text = "The ministry said the attack was staged, officials said."
    claims = [{"id": 1, "claim_type": "denial", "source_start": 0, "source_end": 12, "cue_start": 13, "cue_end": 17,
               "content_start": 18, "content_end": 39}]
    techniques = [{"technique": "Doubt", "start": 22, "end": 45}]
    mentions = [{"id": 7, "start": 22, "end": 28}]
    segs = segments(text, claims=claims, techniques=techniques, mentions=mentions, highlight=(0, 3))
    assert "".join(s.text for s in segs) == text
    attack = next(s for s in segs if s.text == "attack")
    assert attack.roles == {"c-content", "incident"} and attack.techniques == ["Doubt"] and attack.mention_ids == [7]
    assert next(s for s in segs if s.start == 18).anchors == ["claim-1"]
    assert segs[0].anchors == ["hl"]


def test_create_app_reports_a_bad_store(tmp_path):
    (tmp_path / "folder.db").mkdir()
    with pytest.raises(StoreError, match="cannot serve"):
        create_app(tmp_path / "folder.db")


def test_serve_command_help():
    from conftest import run_cli

    result = run_cli("serve", "--help")
    assert result.returncode == 0 and b"127.0.0.1" in result.stdout and b"CLAIMSCOPE_TOKEN" in result.stdout


def test_foreign_host_header_is_refused(client):
    # a page on another site that rebinds its DNS name to 127.0.0.1 must not read the local API
    assert client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/health", headers={"Host": "127.0.0.1:8765"}).status_code == 200
