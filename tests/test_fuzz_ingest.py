"""Property-based and hostile-input tests over every ingest format (hypothesis).

Whatever the bytes, encoding, markup, feed, dataset row or date: ingestion either stores an
article or reports an IngestError naming the input (never another exception, never a hang
past a documented limit), and nothing already stored is touched. Specific hostile cases:
gzip/zip bombs under every extension, billion-laughs and external-entity feeds, feeds that
link to feeds, over-long feeds, deeply nested JSON, pages with more tags than the limit or
with tens of thousands of inline children, control characters, right-to-left and mixed
scripts, 1 MB single-line texts, malformed dates and numbers.

bench/reliability.py runs the same properties with many more examples.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import tempfile
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invented import ARTICLE_A, ARTICLE_B
from reliability_support import store_problems

import claimscope
from claimscope.ingest import ALL_EXTENSIONS, Ingestor, IngestError, IngestReport
from claimscope.ingest import feeds as feeds_module
from claimscope.ingest import html as html_module
from claimscope.ingest.dates import parse_published
from claimscope.ingest.decoding import clean_text, decode_bytes
from claimscope.ingest.feeds import parse_feed
from claimscope.model import DatePrecision

# Budget: the suite runs everything; these settings keep this file to well under a minute.
FAST = settings(max_examples=int(os.environ.get("CLAIMSCOPE_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=list(HealthCheck), derandomize=True)
SLOWER = settings(FAST, max_examples=max(20, FAST.max_examples // 4))

WORDS = st.sampled_from(["the", "minister", "said", "shelling", "Drennick", "denied", "الوزير", "قال", "שר",
                         "Министерство", "υπουργείο", "部长", "表示", "🙂", "1,000", "-3", "N/A", "'", "\"", "&amp;",
                         "<b>", "\u202e", "\u200f", "\u2066", "\x00", "\x1b[31m", "\r\n", "\t", " "])
MIXED_TEXT = st.lists(WORDS | st.text(max_size=12), min_size=0, max_size=60).map(" ".join)


def _no_controls(text: str) -> bool:
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text)


class Fixture:
    """A store holding one known article, checked after every hostile ingest."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="claimscope-fuzz-"))
        self.db = self.dir / "fuzz.db"
        self.cs = claimscope.open(self.db)
        report = self.cs.ingest_text(ARTICLE_A, title="Known article", outlet="Kestria Today",
                                     published_at="2021-05-04")
        self.known = report.added[0]
        self.snapshot = self._row()
        self.count = 0

    def _row(self):
        return dict(self.cs.store.conn.execute("SELECT * FROM articles WHERE id = ?", (self.known,)).fetchone())

    def ingest_file(self, suffix: str, data: bytes) -> IngestReport:
        self.count += 1
        path = self.dir / f"input{self.count}{suffix}"
        path.write_bytes(data)
        report = self.cs.ingest(path)
        path.unlink()
        self.check(report)
        return report

    def check(self, report: IngestReport) -> None:
        for error in report.errors:
            assert isinstance(error, IngestError) and error.source and error.problem, error
        for article_id in report.added:
            article = self.cs.article(article_id)
            assert article is not None and _no_controls(article.text) and len(article.text.split()) >= 3
            assert _no_controls(article.title or "")
        assert self._row() == self.snapshot, "an already stored article was changed"

    def close(self):
        self.cs.close()
        assert store_problems(self.db) == []


@pytest.fixture(scope="module")
def fx():
    fixture = Fixture()
    yield fixture
    fixture.close()


# -- bytes and encodings ---------------------------------------------------------------------

@FAST
@given(st.binary(max_size=4096))
def test_random_bytes_decode_or_are_refused(data):
    try:
        text, encoding = decode_bytes(data, "fuzz")
    except IngestError as exc:
        assert exc.source == "fuzz" and "looks like" in exc.problem
        return
    assert _no_controls(text) and encoding
    assert clean_text(text) == text  # cleaning is idempotent


ENCODINGS = sorted({codecs.lookup(name).name for name in (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-7", "latin-1", "cp1250", "cp1251",
    "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "iso-8859-2", "iso-8859-5",
    "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-15", "koi8-r", "koi8-u", "mac-roman",
    "mac-cyrillic", "cp437", "cp850", "cp866", "shift_jis", "euc-jp", "iso-2022-jp", "gb2312", "gbk", "gb18030",
    "big5", "euc-kr", "cp949", "tis-620", "hz", "cp037", "utf-32-be")})
MULTILINGUAL = ("The minister said on Monday that the market was shelled. Le ministre a déclaré lundi que le marché "
                "a été bombardé. Министр заявил, что рынок обстреляли. Ο υπουργός δήλωσε ότι η αγορά βομβαρδίστηκε. "
                "وقال الوزير إن السوق قصف. השר אמר שהשוק הופגז. 部长周一表示市场遭到炮击。 大臣は市場が砲撃されたと述べた。"
                " 장관은 시장이 포격을 당했다고 말했다. รัฐมนตรีกล่าวว่าตลาดถูกยิง")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_is_stored_or_refused_never_crashes(fx, encoding):
    text = "".join(ch for ch in MULTILINGUAL if _encodable(ch, encoding))
    for suffix in (".txt", ".html", ".csv"):
        body = text if suffix == ".txt" else (f"<html><body><article><p>{text}</p></article></body></html>"
                                              if suffix == ".html" else f'title,text\nOne,"{text}"\n')
        report = fx.ingest_file(suffix, body.encode(encoding))
        assert report.added or report.existing or report.errors


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeError:
        return False


@SLOWER
@given(st.sampled_from(ENCODINGS), MIXED_TEXT)
def test_text_in_any_encoding_with_controls_and_bidi(fx, encoding, text):
    data = ("Headline\n\n" + text + " " + ARTICLE_B).encode(encoding, errors="ignore")
    fx.ingest_file(".txt", data)


# -- every format with random and mutated content ---------------------------------------------

VALID = {
    ".txt": ARTICLE_B.encode(),
    ".html": f"<html><head><title>T</title></head><body><article><p>{ARTICLE_B}</p></article></body></html>".encode(),
    ".csv": f'title,text,date\nOne,"{ARTICLE_B}",2021-01-02\n'.encode(),
    ".tsv": f"title\ttext\nOne\t{ARTICLE_B}\n".encode(),
    ".jsonl": (json.dumps({"title": "One", "text": ARTICLE_B, "date": "2021"}) + "\n").encode(),
    ".json": json.dumps([{"title": "One", "text": ARTICLE_B}]).encode(),
    ".rss": (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>One</title>'
             f"<description>{ARTICLE_B}</description><pubDate>Mon, 04 Jan 2021 10:00:00 GMT</pubDate></item>"
             "</channel></rss>").encode(),
    ".atom": (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry>'
              f"<title>One</title><summary>{ARTICLE_B}</summary></entry></feed>").encode(),
}


@st.composite
def mutated(draw, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 12))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(
                [b"<", b">", b"&", b'"', b"\x00", b"\n", b"\r", b"]]>", b"<![CDATA[", b"&#0;", b"&#x110000;",
                 b"\xef\xbb\xbf", b"\xff\xfe", "\u202e".encode(), b"<script>", b"{", b"[", b","]))
        elif op == "delete" and data:
            del data[pos: pos + draw(st.integers(1, 32))]
        elif op == "dup" and data:
            data[pos:pos] = data[pos: pos + draw(st.integers(1, 64))]
    return bytes(data)


@FAST
@given(st.sampled_from(sorted(VALID)).flatmap(lambda s: st.tuples(st.just(s), mutated(VALID[s]))))
def test_mutated_files_of_every_format(fx, case):
    suffix, data = case
    fx.ingest_file(suffix, data)


@SLOWER
@given(st.sampled_from(sorted(ALL_EXTENSIONS)), st.binary(min_size=1, max_size=2048))
def test_random_bytes_under_every_extension(fx, suffix, data):
    fx.ingest_file(suffix, data)


# -- bombs and oversized input ---------------------------------------------------------------

def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", b"A" * 20_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", sorted(ALL_EXTENSIONS))
def test_compression_bombs_are_refused_without_decompressing(fx, suffix):
    for bomb in (gzip.compress(b"\0" * 20_000_000), _zip_bomb()):
        assert len(bomb) < 100_000
        report = fx.ingest_file(suffix, bomb)
        assert report.added == [] and len(report.errors) == 1, report.errors


def test_deeply_nested_json_is_an_error_not_a_crash(fx):
    deep = "[" * 200_000 + "]" * 200_000
    for suffix, body in ((".jsonl", deep + "\n" + json.dumps({"text": ARTICLE_A + " (copy two)"}) + "\n"),
                         (".json", deep), (".jsonl", '{"text": "x", "extra": ' + deep + "}\n")):
        report = fx.ingest_file(suffix, body.encode())
        assert any("nested too deeply" in e.problem for e in report.errors), report.errors
    # the good line after the bad one is still ingested
    assert fx.cs.search('"copy two"')


def test_one_megabyte_single_line_texts(fx):
    line = " ".join(f"word{i % 997}" for i in range(200_000))[:1_000_000]
    for suffix, body in ((".txt", line), (".html", f"<html><body><article><p>{line}</p></article></body></html>"),
                         (".jsonl", json.dumps({"text": line}) + "\n"), (".csv", f'text\n"{line}"\n')):
        report = fx.ingest_file(suffix, body.encode())
        assert report.added or report.existing, report.errors
    unbroken = "x" * 1_000_000 + " and then three words"
    report = fx.ingest_file(".txt", unbroken.encode())
    assert report.added and len(fx.cs.article(report.added[0]).text) == len(unbroken)


def test_html_over_the_tag_limit_is_refused_before_parsing(monkeypatch, fx):
    def no_parse(*args, **kwargs):
        raise AssertionError("the page was parsed")

    monkeypatch.setattr("trafilatura.utils.load_html", no_parse)
    page = "<html><body>" + "<p>x</p>" * (html_module.MAX_TREE_SIZE + 1) + "</body></html>"
    report = fx.ingest_file(".html", page.encode())
    assert len(report.errors) == 1 and "tag limit" in report.errors[0].problem


@pytest.mark.parametrize("inline", ["<a href='/x'>x</a> ", "<span><b><i>x</i></b></span> ", "<img src=x> w ",
                                    "<custom-tag>x</custom-tag> "])
def test_tens_of_thousands_of_inline_children_are_flattened(inline):
    page = f"<html><body><article><p>{inline * 15_000}{ARTICLE_B}</p></article></body></html>"
    tree = html_module._defused_tree(page)
    widest = max(len(el) for el in tree.iter())
    assert widest <= html_module.MAX_INLINE_CHILDREN
    extracted = html_module.extract_html(page, "wide.html")
    assert ARTICLE_B.split()[0] in extracted.text


# -- feeds --------------------------------------------------------------------------------------

def _rss(items: str, doctype: str = "") -> bytes:
    return f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()


def test_billion_laughs_and_external_entities_are_not_expanded(fx, tmp_path):
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-VALUE")
    cases = [
        _rss(f"<item><title>&lol9;</title><description>{ARTICLE_B} &lol9;</description></item>",
             f"<!DOCTYPE r [{laughs}]>"),
        _rss(f"<item><title>&xxe;</title><description>{ARTICLE_B} &xxe;</description></item>",
             f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'),
    ]
    for data in cases:
        title, entries, _ = parse_feed(data, "hostile.rss")
        for entry in entries:
            for value in (entry.title, entry.summary):
                assert "lollollollollollol" not in (value or "") and "TOPSECRET" not in (value or "")
        report = fx.ingest_file(".rss", data)
        for article_id in report.added:
            text = fx.cs.article(article_id).text
            assert "TOPSECRET" not in text and "lollollollol" not in text


def test_feed_entries_without_links_use_their_text_or_are_errors(fx):
    data = _rss(f"<item><title>Has text</title><description>{ARTICLE_B} (feed only)</description></item>"
                "<item><title>Empty</title></item>")
    report = fx.ingest_file(".rss", data)
    assert len(report.added + report.existing) == 1
    assert [e.problem for e in report.errors] == ["feed entry has neither a link nor any text"]
    assert fx.cs.article((report.added + report.existing)[0]).metadata.get("from_feed_summary") is True


def test_over_long_feed_is_capped_with_an_error(fx, monkeypatch):
    monkeypatch.setattr(feeds_module, "MAX_ENTRIES", 3)
    items = "".join(f"<item><title>T{i}</title><description>{ARTICLE_B} item {i}</description></item>"
                    for i in range(7))
    report = fx.ingest_file(".rss", _rss(items))
    assert len(report.added) + len(report.existing) + len([d for d in report.duplicates]) >= 1
    assert any("7 entries; only the first 3" in e.problem for e in report.errors)


@SLOWER
@given(st.lists(st.tuples(MIXED_TEXT, st.sampled_from(["", "javascript:alert(1)", "file:///etc/passwd",
                                                      "data:text/html,x", "ftp://example.org/x", "//", "http://",
                                                      "http://[::1", "http://10.0.0.1/x", "gopher://x"]),
                          MIXED_TEXT), min_size=1, max_size=4))
def test_feeds_with_hostile_fields_never_connect_or_crash(fx, entries):
    from unittest import mock
    from xml.sax.saxutils import escape

    import httpcore

    connections = []

    def no_connection(self, host, port, *args, **kwargs):  # every link here must be refused before connecting
        connections.append((host, port))
        raise httpcore.ConnectError("test: no connection allowed")

    items = "".join(f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
                    f"<description>{escape(d)} {ARTICLE_B}</description><pubDate>{escape(t[:20])}</pubDate></item>"
                    for t, link, d in entries)
    with mock.patch.object(httpcore.SyncBackend, "connect_tcp", no_connection):
        fx.ingest_file(".rss", _rss(items))
    assert connections == []


# -- datasets ---------------------------------------------------------------------------------

CELL = st.one_of(MIXED_TEXT, st.text(max_size=50), st.sampled_from(['"', '""', "a,b", "a\nb", "\r", "\x00", "=cmd|' /C calc'!A0",
                                                                     "1e308", "-0", "NaN", "9" * 400]))


@FAST
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=6))
def test_csv_rows_with_hostile_cells(fx, rows):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "text", "date"])
    for title, text, when in rows:
        writer.writerow([title, text + " " + ARTICLE_B, when])
    report = fx.ingest_file(".csv", buffer.getvalue().encode("utf-8", errors="replace"))
    for article_id in report.added:
        assert fx.cs.article(article_id).published_precision is not None


@FAST
@given(st.lists(st.dictionaries(st.sampled_from(["text", "title", "date", "source", "url", "extra"]),
                                st.one_of(CELL, st.integers(), st.floats(), st.none(), st.booleans(),
                                          st.lists(st.integers(), max_size=3),
                                          st.recursive(st.integers(), lambda c: st.lists(c, max_size=2), max_leaves=5))),
                min_size=1, max_size=5))
def test_jsonl_records_with_hostile_values(fx, records):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    report = fx.ingest_file(".jsonl", "\n".join(lines).encode("utf-8", errors="replace"))
    assert len(report.errors) + len(report.added) + len(report.existing) >= 1


# -- dates and numbers ------------------------------------------------------------------------

DATE_LIKE = st.from_regex(r"[-+]?\d{1,6}([-/. ]\d{1,4}){0,2}([T ]\d{1,3}:\d{1,3}(:\d{1,3})?)?( ?[A-Za-z+:\d]{0,6})?",
                          fullmatch=True)


@FAST
@given(st.one_of(DATE_LIKE, st.text(max_size=40), st.integers(), st.floats(allow_nan=True),
                 st.dates(), st.datetimes()))
def test_publication_dates_are_plausible_or_unknown(value):
    iso, precision = parse_published(value)
    if iso is None:
        assert precision == DatePrecision.UNKNOWN
        return
    assert 1900 <= int(iso[:4]) <= 2100
    assert iso[:10] <= (date.today() + timedelta(days=2)).isoformat()
    expected = {4: DatePrecision.YEAR, 7: DatePrecision.MONTH, 10: DatePrecision.DAY}
    assert precision == expected.get(len(iso), DatePrecision.DATETIME)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0000-00-00", "2019-02-31", "2019-13-01",
                                   "2019-06-01T25:61:61", "-1", "3", "42", "1e308", "NaN", "in 3 days",
                                   "99999-99-99", "31/31/31", "\x00", "9" * 99, "2999", "next year"])
def test_malformed_or_implausible_dates_are_unknown(value):
    assert parse_published(value) == (None, DatePrecision.UNKNOWN)


# -- control characters, bidi, mixed scripts --------------------------------------------------

@FAST
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Lo", "Ll", "Mn")),
               min_size=1, max_size=200))
def test_control_and_bidi_characters_in_text_and_titles(fx, noise):
    report = fx.cs.ingest_text(f"{noise}\n\n{ARTICLE_B} {noise}", title=noise + " title", outlet=noise[:40] or None)
    fx.check(report)
    for article_id in report.added:
        article = fx.cs.article(article_id)
        assert unicodedata.normalize("NFC", article.text) == article.text
