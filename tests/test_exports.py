"""Standard exports: GeoJSON, schema.org Claim JSON-LD, W3C Web Annotations, the HTML report."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone

import pytest

from test_web_support import XSS_TITLE, copy_db, demo_db, xss_article_id

import claimscope
from claimscope.exports import FORMATS, export
from claimscope.exports.claims_jsonld import claimscope_context
from claimscope.store import open_store


@pytest.fixture(scope="module")
def store():
    s = open_store(demo_db())
    yield s
    s.close()


def _export(store, fmt, selection=None) -> str:
    buffer = io.StringIO()
    export(store, fmt, buffer, selection)
    return buffer.getvalue()


def test_geojson_features_are_valid_points(store):
    doc = json.loads(_export(store, "geojson"))
    assert doc["type"] == "FeatureCollection" and doc["features"]
    located = [m for m in store.find_incident_mentions(limit=10**6) if m["latitude"] is not None]
    assert len(doc["features"]) == len(located)
    assert doc["claimscope"]["unlocated"] == store.stats()["incident_mentions"] - len(located)
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]  # RFC 7946: longitude first
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        mention = store.incident_mentions_by_id([f["id"]])[f["id"]]
        assert (round(mention["longitude"], 6), round(mention["latitude"], 6)) == (lon, lat)
        assert f["properties"]["event_type"] == mention["event_type"]


def test_annotation_selectors_match_the_article_text(store):
    doc = json.loads(_export(store, "annotations"))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld" and doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert doc["total"] == len(items) > 100
    texts: dict[str, str] = {}
    kinds = set()
    for anno in items:
        assert anno["type"] == "Annotation" and anno["motivation"] in ("tagging", "classifying")
        assert anno["body"][0]["type"] == "TextualBody" and anno["body"][0]["value"]
        source = anno["target"]["source"]
        article_id = source.rsplit(":", 1)[1]
        if article_id not in texts:
            texts[article_id] = store.article(article_id).text
        text = texts[article_id]
        quote = next(s for s in anno["target"]["selector"] if s["type"] == "TextQuoteSelector")
        position = next(s for s in anno["target"]["selector"] if s["type"] == "TextPositionSelector")
        assert quote["exact"] == text[position["start"]:position["end"]] != ""
        assert text[:position["start"]].endswith(quote["prefix"])
        assert text[position["end"]:].startswith(quote["suffix"])
        kinds.add(anno["id"].split(":")[3])  # urn:claimscope:annotation:<kind>:...
    assert {"span", "claim", "technique", "mention"} <= kinds
    one = json.loads(_export(store, "annotations", {"article_ids": [xss_article_id()]}))
    assert one["total"] > 0 and all(a["target"]["source"].endswith(xss_article_id()) for a in one["first"]["items"])


def test_claims_jsonld_uses_schema_org_and_the_documented_context(store):
    doc = json.loads(_export(store, "jsonld"))
    assert doc["@context"][0] == "https://schema.org/" and doc["@context"][1] == claimscope_context()
    context = claimscope_context()
    for term in ("denies", "counterAccuses", "corroborates", "alleges"):
        assert context[term]["@type"] == "@id" and context[term]["@id"].startswith("cs:")
    nodes = {n["@id"]: n for n in doc["@graph"]}
    claims = [n for n in nodes.values() if n["@type"] == "Claim"]
    assert len(claims) == store.stats()["claims"]
    assert not [n for n in nodes.values() if n["@type"] == "ClaimReview"]  # no user review recorded yet
    for claim in claims:
        assert claim["appearance"]["@id"] in nodes  # the article node is in the graph
        for relation in ("denies", "counterAccuses", "corroborates", "alleges"):
            for target in claim.get(relation, []):
                assert nodes[target]["@type"] == "Event"
    denials = [c for c in claims if c["claimType"] == "denial" and "denies" in c]
    assert denials, "no denial is linked to an incident mention in the demo corpus"
    assert any("corroborates" in c for c in claims)


def test_claim_review_only_where_a_user_reviewed(tmp_path):
    path = copy_db(tmp_path)
    store = open_store(path)
    claim = store.find_claims(claim_type="denial", limit=1)[0]
    store.conn.execute(  # the reviews table has no writer yet in this version: insert as a user would
        "INSERT INTO reviews(article_id, start, end, claim_text, rating, reviewer, note, created_at) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (claim["article_id"], claim["content_start"], claim["content_end"], claim["text"], "False", "Desk A",
         "Contradicted by the mission's report.", datetime.now(timezone.utc).isoformat()))
    doc = json.loads(_export(store, "jsonld"))
    reviews = [n for n in doc["@graph"] if n["@type"] == "ClaimReview"]
    assert len(reviews) == 1
    review = reviews[0]
    assert review["itemReviewed"] == {"@id": f"urn:claimscope:claim:{claim['id']}"}
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "False"}
    assert review["claimReviewed"] == claim["text"] and review["author"]["name"] == "Desk A"
    store.close()


def test_html_report_of_a_selection_is_self_contained_and_escaped(store):
    html = _export(store, "html", {"article_ids": [xss_article_id()]})
    assert "<script" not in html.lower().replace("&lt;script", "")  # the payload only appears escaped
    assert "&lt;script&gt;" in html and "<img" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert re.search(r"<[a-z][^<>]*\s(src|href)=\"?(https?:|//)", html) is None  # one file: nothing loaded
    assert re.search(r"<(script|img|link|iframe)\b", html) is None
    assert 'class="article"' in html and html.count('<article class=item') == 1
    outlet_html = _export(store, "html", {"outlet": "Kestrian State News Agency"})
    n = len(store.find_articles(outlet="Kestrian State News Agency"))
    assert outlet_html.count('<tr class="article">') == n > 0
    with pytest.raises(ValueError, match="unknown selection"):
        _export(store, "html", {"colour": "red"})
    assert XSS_TITLE not in html  # never verbatim


def test_python_api_and_rest_exports(tmp_path):
    cs = claimscope.open(copy_db(tmp_path))
    assert cs.export("geojson", tmp_path / "m.geojson") > 0
    assert json.loads((tmp_path / "m.geojson").read_text())["type"] == "FeatureCollection"
    assert cs.find_articles(limit=2) and cs.article_detail(cs.find_articles(limit=1)[0]["id"])["article"]
    assert cs.outlet_profiles() and cs.techniques() and cs.search_all("chlorine")["articles"]
    mention = cs.incident_mentions(limit=1)[0]
    assert cs.dossier(mention["id"])["mention"]["id"] == mention["id"]
    assert cs.narratives()["message"]
    cs.close()
    fastapi = pytest.importorskip("fastapi.testclient", reason="the web extra is not installed")
    from claimscope.web import create_app

    with fastapi.TestClient(create_app(tmp_path / "demo.db")) as client:
        for fmt in FORMATS:
            r = client.get(f"/api/export/{fmt}", params={"outlet": "Kestrian State News Agency"})
            assert r.status_code == 200, (fmt, r.text[:200])
        assert client.get("/api/export/geojson").headers["content-type"] == "application/geo+json"
        assert client.get("/api/export/pdf").status_code == 404


def test_cli_export_formats(tmp_path):
    from conftest import run_cli

    db = copy_db(tmp_path)
    for fmt in ("geojson", "jsonld", "annotations", "html"):
        out = tmp_path / f"out.{fmt}"
        result = run_cli("export", "--format", fmt, "--out", str(out), "--where", "since=2022-01-01", db=db)
        assert result.returncode == 0, result.stderr.decode()
        assert out.stat().st_size > 100
    bad = run_cli("export", "--format", "html", "--where", "colour=red", db=db)
    assert bad.returncode != 0 and b"unknown selection" in bad.stderr
