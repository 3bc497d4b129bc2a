"""REST API: reads on the demo corpus, writes behind a token, JSON errors, OpenAPI schema."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("httpx", reason="fastapi.testclient needs httpx")

from fastapi.testclient import TestClient  # noqa: E402

from invented import ARTICLE_B, HTML_PAGE  # noqa: E402
from test_store_queries import INJECTIONS  # noqa: E402
from test_web_support import copy_db, demo_db, first_mention_with_place, xss_article_id  # noqa: E402

from claimscope.store import open_store  # noqa: E402
from claimscope.web import create_app  # noqa: E402

TOKEN = "test-token-not-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(demo_db(), token=None)) as c:  # read-only: no token configured
        yield c


@pytest.fixture
def writer(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMSCOPE_TOKEN", raising=False)
    with TestClient(create_app(copy_db(tmp_path), token=TOKEN, allow_private_fetch=True)) as c:
        yield c


def test_health_and_security_headers(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["stats"]["articles"] >= 17
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_schema_lists_every_resource(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/ingest/text", "/api/ingest/html", "/api/ingest/url", "/api/ingest/file", "/api/analyze",
                 "/api/jobs/{job_id}", "/api/articles", "/api/articles/{article_id}", "/api/claims",
                 "/api/claims/{claim_id}", "/api/incidents/mentions", "/api/incidents/mentions/{mention_id}/dossier",
                 "/api/techniques", "/api/techniques/spans", "/api/outlets", "/api/outlets/{outlet}",
                 "/api/search", "/api/similar", "/api/narratives", "/api/health", "/api/incidents",
                 "/api/incidents/{incident_id}", "/api/export/{fmt}"):
        assert path in paths, path
    article_params = {p["name"] for p in paths["/api/articles"]["get"]["parameters"]}
    assert {"outlet", "since", "until", "claim_type", "technique", "incident_type", "place", "limit",
            "offset"} <= article_params
    # write endpoints declare the bearer token; read endpoints do not
    assert paths["/api/ingest/text"]["post"]["security"] == [{"HTTPBearer": []}]
    assert paths["/api/analyze"]["post"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in paths["/api/articles"]["get"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert not any(p == "/" or not p.startswith("/api/") for p in paths)  # UI pages stay out of the schema


def test_articles_pagination_and_filters(client):
    first = client.get("/api/articles", params={"limit": 5}).json()
    assert len(first["items"]) == 5 and first["next_offset"] == 5
    second = client.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    everything = client.get("/api/articles", params={"limit": 500}).json()
    assert everything["next_offset"] is None
    outlet = next(a["outlet"] for a in everything["items"] if a["outlet"] == "Kestrian State News Agency")
    only = client.get("/api/articles", params={"outlet": outlet, "limit": 500}).json()["items"]
    assert only and all(a["outlet"] == outlet for a in only)
    denials = client.get("/api/articles", params={"claim_type": "denial", "limit": 500}).json()["items"]
    assert denials and all(a["claims"] > 0 for a in denials)
    dated = client.get("/api/articles", params={"since": "2022-01-01", "until": "2022-12-31", "limit": 500})
    assert all("2022" <= a["published_at"][:4] <= "2022" for a in dated.json()["items"])
    techniques = client.get("/api/techniques").json()
    used = next(t["label"] for t in techniques if t["spans"])
    with_technique = client.get("/api/articles", params={"technique": used, "limit": 500}).json()["items"]
    assert with_technique and all(a["techniques"] > 0 for a in with_technique)
    store = open_store(demo_db())
    mention = first_mention_with_place(store)
    store.close()
    by_place = client.get("/api/articles", params={"incident_type": mention["event_type"],
                                                   "place": mention["place_name"]}).json()["items"]
    assert mention["article_id"] in {a["id"] for a in by_place}


def test_article_detail(client):
    article_id = client.get("/api/articles", params={"claim_type": "denial"}).json()["items"][0]["id"]
    detail = client.get(f"/api/articles/{article_id[:8]}").json()  # prefix works
    text = detail["article"]["text"]
    assert detail["article"]["id"] == article_id and detail["claims"] and detail["spans"]
    for claim in detail["claims"]:
        assert text[claim["content_start"]:claim["content_end"]] == claim["text"]
    for t in detail["techniques"]:
        assert t["definition"] and 0 <= t["start"] < t["end"] <= len(text)
    assert client.get(f"/api/articles/{article_id}", params={"spans": False}).json()["spans"] == []


def test_claims_mentions_dossier_outlets_search(client):
    claims = client.get("/api/claims", params={"claim_type": "denial", "limit": 3}).json()
    assert len(claims["items"]) == 3 and all(c["claim_type"] == "denial" for c in claims["items"])
    one = client.get(f"/api/claims/{claims['items'][0]['id']}").json()
    assert one["outlet"] and "links" in one
    mentions = client.get("/api/incidents/mentions", params={"limit": 500}).json()["items"]
    assert mentions
    store = open_store(demo_db())
    focus = first_mention_with_place(store)
    store.close()
    dossier = client.get(f"/api/incidents/mentions/{focus['id']}/dossier").json()
    assert dossier["mention"]["id"] == focus["id"]
    assert set(dossier["columns"]) == {"allegation", "denial", "counter_accusation", "corroboration"}
    assert sum(len(v) for v in dossier["columns"].values()) > 0
    assert dossier["points"] and dossier["evidence"]
    for related in dossier["related_mentions"]:
        assert related["article_id"] != focus["article_id"]
    outlets = client.get("/api/outlets").json()
    assert outlets and all("technique_rates_per_1000_words" in o for o in outlets)
    name = outlets[0]["name"]
    assert client.get(f"/api/outlets/{name}").json()["name"] == name
    hits = client.get("/api/search", params={"q": "chlorine"}).json()
    assert hits["articles"] and hits["claims"]
    spans = client.get("/api/techniques/spans", params={"limit": 2}).json()
    assert len(spans["items"]) == 2
    narratives = client.get("/api/narratives").json()
    assert narratives["computed"] in (True, False) and narratives["message"]


def test_similar_claims(client):
    r = client.get("/api/similar", params={"text": "the chemical attack was staged", "k": 3})
    if r.status_code == 503:
        pytest.skip(r.json()["error"]["message"])
    assert r.status_code == 200 and 1 <= len(r.json()) <= 3 and "similarity" in r.json()[0]


def test_json_errors(client):
    r = client.get("/api/articles/doesnotexist")
    assert r.status_code == 404 and r.json() == {"error": {"status": 404, "message": "no article 'doesnotexist'"}}
    r = client.get("/api/articles", params={"limit": 0})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["where"] == "query.limit"
    r = client.get("/api/articles", params={"since": "last tuesday"})
    assert r.status_code == 422 and "since" in r.json()["error"]["message"]
    assert client.get("/api/claims/notanumber").status_code == 422
    assert client.get("/api/nothing-here").json()["error"]["status"] == 404
    r = client.delete("/api/articles")
    assert r.status_code == 405 and "DELETE" in r.json()["error"]["message"]


def _empty_or_refused(response) -> bool:
    """Injection attempts are either data that matches nothing, or refused by validation."""
    return (response.status_code == 200 and response.json()["items"] == []) or response.status_code == 422


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_strings_in_query_parameters(client, evil):
    before = client.get("/api/health").json()["stats"]
    for name in ("outlet", "claim_type", "technique", "incident_type", "place", "language"):
        assert _empty_or_refused(client.get("/api/articles", params={name: evil})), name
    for name in ("polarity", "source_kind", "article_id", "claim_type", "outlet", "technique", "incident_type",
                 "place"):
        assert _empty_or_refused(client.get("/api/claims", params={name: evil})), name
    for name in ("speaker", "text"):  # substring filters: a hit must really contain the words, literally
        r = client.get("/api/claims", params={name: evil})
        for claim in r.json().get("items", []):
            words = evil.split() if name == "text" else [evil]
            assert all(w.lower() in (claim["text"] + " " + (claim["speaker"] or "")).lower() for w in words)
    for name in ("article_id", "incident_type", "place", "outlet"):
        assert _empty_or_refused(client.get("/api/incidents/mentions", params={name: evil})), name
    assert _empty_or_refused(client.get("/api/techniques/spans", params={"technique": evil}))
    assert client.get("/api/search", params={"q": evil}).status_code == 200
    for name in ("since", "until"):
        assert client.get("/api/articles", params={name: evil}).status_code == 422
        assert client.get("/api/incidents/mentions", params={name: evil}).status_code == 422
    assert client.get("/api/health").json()["stats"] == before


def test_writes_refused_without_configured_token(client):
    r = client.post("/api/ingest/text", json={"text": ARTICLE_B})
    assert r.status_code == 403 and "CLAIMSCOPE_TOKEN" in r.json()["error"]["message"]
    assert client.post("/api/analyze", json={}).status_code == 403


def test_token_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_TOKEN", "from-env")
    with TestClient(create_app(copy_db(tmp_path))) as c:
        assert c.post("/api/ingest/text", json={"text": ARTICLE_B}).status_code == 401
        ok = c.post("/api/ingest/text", json={"text": ARTICLE_B}, headers={"Authorization": "Bearer from-env"})
        assert ok.status_code == 201


def test_ingest_text_html_file_url_and_analyze_job(writer, local_server):
    r = writer.post("/api/ingest/text", json={"text": ARTICLE_B, "outlet": "Drennick Courier",
                                              "published_at": "2021-06-10"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = writer.post("/api/ingest/text", json={"text": ARTICLE_B}, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and "wrong" in r.json()["error"]["message"]
    r = writer.post("/api/ingest/text", json={"text": ARTICLE_B, "outlet": "Drennick Courier",
                                              "published_at": "2021-06-10"}, headers=AUTH)
    assert r.status_code == 201, r.text
    article_id = r.json()["added"][0]
    again = writer.post("/api/ingest/text", json={"text": ARTICLE_B}, headers=AUTH)
    assert again.status_code == 200 and again.json()["existing"] == [article_id]
    html = writer.post("/api/ingest/html", json={"html": HTML_PAGE, "url": "https://ledger.example/inspectors"},
                       headers=AUTH)
    assert html.status_code == 201 and html.json()["added"]
    upload = writer.post("/api/ingest/file", headers=AUTH, data={"outlet": "Upload Times"},
                         files={"file": ("story.txt", "Convoy blocked\n\nA convoy of aid trucks was blocked at "
                                                      "the Ostrava checkpoint on Friday, officials said.",
                                         "text/plain")})
    assert upload.status_code == 201, upload.text
    bad = writer.post("/api/ingest/file", headers=AUTH, files={"file": ("tool.exe", b"MZ\x00\x01", "application/x")})
    assert bad.status_code == 415 and "tool.exe" in bad.json()["error"]["message"]
    url = local_server.add("/story.html", HTML_PAGE.replace("Thursday", "Friday"))
    fetched = writer.post("/api/ingest/url", json={"url": url}, headers=AUTH)
    assert fetched.status_code == 201, fetched.text
    empty = writer.post("/api/ingest/text", json={"text": "too short"}, headers=AUTH)
    assert empty.status_code == 422 and empty.json()["errors"]

    r = writer.post("/api/analyze", json={"analyzers": ["no-such-analyzer"]}, headers=AUTH)
    assert r.status_code == 422 and "no-such-analyzer" in r.json()["error"]["message"]
    r = writer.post("/api/analyze", json={}, headers=AUTH)
    assert r.status_code == 202 and r.headers["location"] == r.json()["status_url"]
    status_url = r.json()["status_url"]
    deadline = time.monotonic() + 600  # generous: the machine may be busy; this is not a timing test
    while time.monotonic() < deadline:
        job = writer.get(status_url).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["total"] == job["done"] >= 4 and job["progress"] == 1.0
    assert writer.get(f"/api/articles/{article_id}").json()["claims"]
    assert writer.get("/api/jobs/nope").status_code == 404


def test_write_rate_limit(tmp_path):
    app = create_app(copy_db(tmp_path), token=TOKEN, write_rate_per_minute=2)
    with TestClient(app) as c:
        codes = [c.post("/api/ingest/text", json={"text": "x"}, headers=AUTH).status_code for _ in range(3)]
        assert codes[:2] == [422, 422] and codes[2] == 429
        r = c.post("/api/ingest/text", json={"text": "x"}, headers=AUTH)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert c.get("/api/articles").status_code == 200  # reads are not limited


def test_xss_payload_is_returned_as_data(client):
    detail = client.get(f"/api/articles/{xss_article_id()}").json()
    assert detail["article"]["title"].startswith("<script>")  # JSON carries it verbatim; pages escape it
    assert client.get(f"/api/articles/{xss_article_id()}").headers["content-type"].startswith("application/json")


def test_dossier_uses_clustered_incident_when_linking_has_run(tmp_path):
    path = copy_db(tmp_path)
    store = open_store(path)
    focus = first_mention_with_place(store)
    other = next(m for m in store.find_incident_mentions(limit=1000) if m["article_id"] != focus["article_id"]
                 and m["event_type"] != focus["event_type"])
    # what corpus-level linking would write: an incident holding both mentions, a stance role
    cur = store.conn.execute("INSERT INTO incidents(event_type, label) VALUES (?, 'invented cluster')",
                             (focus["event_type"],))
    incident_id = cur.lastrowid
    store.conn.execute("UPDATE incident_mentions SET incident_id = ? WHERE id IN (?, ?)",
                       (incident_id, focus["id"], other["id"]))
    claim = store.find_claims(article_id=other["article_id"], limit=1)[0]
    store.conn.execute("INSERT INTO links(kind, from_type, from_id, to_type, to_id, label, producer, created_at) "
                       "VALUES ('stance', 'claim', ?, 'incident', ?, 'corroborated', 'linking', 'now')",
                       (str(claim["id"]), str(incident_id)))
    store.close()
    with TestClient(create_app(path)) as c:
        dossier = c.get(f"/api/incidents/mentions/{focus['id']}/dossier").json()
        assert dossier["clustered"] is True and dossier["incident_id"] == incident_id
        assert [m["id"] for m in dossier["related_mentions"]] == [other["id"]]
        assert claim["id"] in {x["id"] for x in dossier["columns"]["corroboration"]}
        incident = c.get(f"/api/incidents/{incident_id}").json()
        assert {m["id"] for m in incident["mentions"]} == {focus["id"], other["id"]}
        assert c.get("/api/incidents").json()["clustered"] is True
