"""Each input kind ingests with its metadata."""

from __future__ import annotations

import json

import pytest

from claimscope.ingest import split_title
from claimscope.ingest.dates import parse_published
from claimscope.model import article_id_for
from invented import ARTICLE_A, ARTICLE_B, ARTICLE_C, HTML_PAGE, feed_xml


def test_text_file_first_line_is_title_when_blank_line_follows(cs, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE_A, encoding="utf-8")
    report = cs.ingest(path)
    assert report.failed == 0 and len(report.added) == 1
    article = cs.article(report.added[0])
    assert article.title == "Ministry rejects claims of gas attack in Port Calder"
    assert article.text.startswith("The Interior Ministry of Veskaria")
    assert article.language == "en"
    assert article.raw_sha256 and len(article.raw_sha256) == 64
    assert article.source_ref == str(path)


def test_text_without_blank_second_line_has_no_title():
    title, body = split_title("One line\nstraight into the body of the text.")
    assert title is None and body.startswith("One line")


def test_html_file_keeps_title_date_author_site(cs, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    report = cs.ingest(path)
    assert report.failed == 0, report.errors
    article = cs.article(report.added[0])
    assert article.title == "Inspectors arrive in Port Calder"
    assert article.author == "Mara Ilvens"
    assert article.outlet == "Veskaria Ledger"
    assert article.published_at == "2021-05-06" and article.published_precision == "day"
    assert "Joint Verification Mission" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text


def test_raw_html_string(cs):
    report = cs.ingest_html(HTML_PAGE, url="https://ledger.example/2021/05/inspectors")
    assert report.failed == 0
    article = cs.article(report.added[0])
    assert article.url == "https://ledger.example/2021/05/inspectors"
    assert "ready to cooperate" in article.text


def test_text_with_metadata_via_api(cs):
    report = cs.ingest_text(ARTICLE_B, url="https://www.drennick-post.example/news/1", published_at="2020-03-08")
    article = cs.article(report.added[0])
    assert article.title == "Shelling hits market in Drennick"
    assert article.outlet == "drennick-post.example"  # outlet inferred from the URL's domain
    assert article.published_at == "2020-03-08"


def test_outlet_from_registry_by_domain(cs):
    report = cs.ingest_text(ARTICLE_C, url="https://www.reuters.com/world/some-story")
    article = cs.article(report.added[0])
    assert article.outlet == "Reuters"
    outlet = cs.store.outlet(article.outlet_id)
    assert outlet.kind == "wire"


def test_csv_with_column_mapping(cs, tmp_path):
    path = tmp_path / "data.csv"
    rows = [["id", "body", "headline", "when", "site", "link"],
            ["1", ARTICLE_B, "Market shelled", "3/8/20", "Drennick Post", "https://drennick-post.example/1"],
            ["2", ARTICLE_C, "Convoy arrives", "2020-03-10", "Ostrava Radio", ""]]
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = cs.ingest(path, text_col="body", title_col="headline", date_col="when", outlet_col="site", url_col="link")
    assert report.failed == 0 and len(report.added) == 2
    first = cs.article(report.added[0])
    assert first.title == "Market shelled" and first.outlet == "Drennick Post"
    assert first.published_at == "2020-03-08"
    assert first.metadata == {"id": "1"}
    assert first.source_ref.endswith("data.csv:2")


def test_csv_columns_detected_without_mapping(cs, tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text("title\ttext\tsource\nConvoy\t" + ARTICLE_C.replace("\n", " ") + "\tOstrava Radio\n", encoding="utf-8")
    report = cs.ingest(path)
    assert report.failed == 0 and len(report.added) == 1
    assert cs.article(report.added[0]).outlet == "Ostrava Radio"


def test_jsonl_dataset(cs, tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"content": ARTICLE_B, "title": "Market", "published": "2020-03-08", "outlet": "Drennick Post", "extra": 5},
        {"content": ARTICLE_C, "title": "Convoy", "published": "2020-03", "outlet": "Ostrava Radio"},
    ]), encoding="utf-8")
    report = cs.ingest(path)
    assert report.failed == 0 and len(report.added) == 2
    second = cs.article(report.added[1])
    assert second.published_at == "2020-03" and second.published_precision == "month"
    assert cs.article(report.added[0]).metadata == {"extra": 5}


def test_directory_recursive_by_extension(cs, tmp_path):
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (tmp_path / "corpus" / "sub" / "b.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "corpus" / "sub" / "notes.docx").write_bytes(b"PK\x03\x04 not ingested")
    (tmp_path / "corpus" / ".hidden.txt").write_text(ARTICLE_C, encoding="utf-8")
    report = cs.ingest(tmp_path / "corpus")
    assert report.failed == 0
    assert len(report.added) == 2
    assert [p for p in report.skipped if p.endswith("notes.docx")]


def test_url_fetch_with_redirect(cs, local_server):
    local_server.add("/story", HTML_PAGE)
    local_server.add("/old", b"", status=301, headers={"Location": "/story"})
    report = cs.ingest(local_server.url("/old"), allow_private=True)
    assert report.failed == 0, report.errors
    article = cs.article(report.added[0])
    assert article.url.endswith("/story")
    assert "Joint Verification Mission" in article.text


def test_feed_fetches_each_entry(cs, local_server):
    local_server.add("/a", f"<html><body><article><p>{ARTICLE_B}</p></article></body></html>")
    local_server.add("/b", f"<html><body><article><p>{ARTICLE_C}</p></article></body></html>")
    local_server.add("/feed.xml", feed_xml([("Market", local_server.url("/a")), ("Convoy", local_server.url("/b"))]),
                     content_type="application/rss+xml")
    report = cs.ingest(local_server.url("/feed.xml"), allow_private=True)
    assert report.failed == 0, report.errors
    assert len(report.added) == 2
    article = cs.article(report.added[0])
    assert article.metadata["feed"].endswith("/feed.xml")
    assert article.published_at == "2021-05-06T09:30:00" and article.published_precision == "datetime"


def test_reingest_is_a_noop_but_records_sighting(cs, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE_A, encoding="utf-8")
    first = cs.ingest(path)
    second = cs.ingest(path)
    assert len(first.added) == 1 and second.added == [] and second.existing == first.added
    assert cs.stats()["articles"] == 1
    # the same text re-wrapped and re-encoded is the same article
    (tmp_path / "b.txt").write_bytes(ARTICLE_A.replace("\n\nThe ministry said", "\n\n  The ministry said").encode("utf-16"))
    third = cs.ingest(tmp_path / "b.txt")
    assert third.existing == first.added
    sightings = list(cs.store.rows("sightings"))
    assert len(sightings) == 2  # the second input is remembered, nothing is lost


def test_article_id_is_stable_and_normalised():
    assert article_id_for("A  text\n\nwith   spaces") == article_id_for("A text with spaces")
    assert article_id_for("A text") != article_id_for("a text")
    assert len(article_id_for("x")) == 16


@pytest.mark.parametrize("value, expected", [
    ("2016-09-08", ("2016-09-08", "day")),
    ("2016-09", ("2016-09", "month")),
    ("2016", ("2016", "year")),
    ("Sept 2016", ("2016-09", "month")),
    ("8 September 2016", ("2016-09-08", "day")),
    ("Thursday, 8 September 2016 14:05", ("2016-09-08T14:05:00", "datetime")),
    ("not a date", (None, "unknown")),
    ("2016-02-30", (None, "unknown")),
    ("", (None, "unknown")),
])
def test_publication_dates_with_precision(value, expected):
    iso, precision = parse_published(value)
    assert (iso, str(precision)) == expected
