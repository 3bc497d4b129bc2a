"""Bad input gets a clear error naming the input, the run continues, nothing stored is touched."""

from __future__ import annotations

import csv
import json
import os
import socket

import pytest

from claimscope.ingest.decoding import decode_bytes, looks_binary
from claimscope.ingest.errors import IngestError
from claimscope.ingest.fetch import FetchPolicy, address_problem, fetch
from invented import ARTICLE_A, ARTICLE_B, ARTICLE_C, HTML_PAGE


GREEK = ("Το υπουργείο εξωτερικών απέρριψε σήμερα τους ισχυρισμούς ότι οι δυνάμεις του χρησιμοποίησαν "
         "χημικά όπλα στην πόλη, χαρακτηρίζοντάς τους αβάσιμους και κατασκευασμένους από τις ένοπλες ομάδες.")
CYRILLIC = ("Министерство иностранных дел сегодня отвергло утверждения о том, что его силы применили "
            "химическое оружие в городе, назвав их необоснованными и сфабрикованными вооружёнными группами.")


@pytest.mark.parametrize("encoding, text, probe", [
    ("latin-1", ARTICLE_A.replace("Veskaria", "Véskaria"), "Véskaria"),
    ("cp1252", ARTICLE_A.replace("Veskaria", "Véskaria") + " \u201cquoted\u201d", "\u201cquoted\u201d"),
    ("utf-16", ARTICLE_A.replace("Veskaria", "Véskaria"), "Véskaria"),
    ("utf-16-le", ARTICLE_A.replace("Veskaria", "Véskaria"), "Véskaria"),
    ("utf-8-sig", ARTICLE_A.replace("Veskaria", "Véskaria"), "Véskaria"),
    ("iso-8859-7", GREEK, "υπουργείο"),
    ("cp1251", CYRILLIC, "Министерство"),
    ("koi8-r", CYRILLIC, "Министерство"),
])
def test_other_encodings_decode(cs, tmp_path, encoding, text, probe):
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    report = cs.ingest(path)
    assert report.failed == 0, report.errors
    assert probe in cs.article(report.added[0]).text


def test_undecodable_bytes_never_crash():
    text, encoding = decode_bytes(b"The minister\xff\xfe said \x81\x8d things " * 20, "x")
    assert "minister" in text and encoding


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n" + os.urandom(200), "PNG"),
    (b"%PDF-1.7\n" + os.urandom(200), "PDF"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x7fELF" + bytes(100), "executable"),
])
def test_binary_files_rejected(cs, tmp_path, data, kind):
    path = tmp_path / "thing.txt"
    path.write_bytes(data)
    report = cs.ingest(path)
    assert report.added == [] and report.failed == 1
    assert kind in str(report.errors[0]) and str(path) in str(report.errors[0])
    assert looks_binary(data)


def test_empty_and_whitespace_files(cs, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\n  \t\n")
    (tmp_path / "short.txt").write_text("Hi.")
    report = cs.ingest([tmp_path / "empty.txt", tmp_path / "blank.txt", tmp_path / "short.txt"])
    assert report.added == [] and report.failed == 3
    messages = " | ".join(str(e) for e in report.errors)
    assert "empty" in messages and "short.txt" in messages


def test_oversized_file_refused(cs, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(ARTICLE_A * 50)
    report = cs.ingest(path, max_bytes=1000)
    assert report.failed == 1 and "limit" in str(report.errors[0])


def test_malformed_csv_rows_reported_with_line_rest_ingested(cs, tmp_path):
    path = tmp_path / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text"])
        writer.writerow(["Good one", ARTICLE_B.replace("\n", " ")])  # one physical line per row
        writer.writerow(["Too", "many", "fields"])
        writer.writerow(["Empty text", ""])
        writer.writerow(["Good two", ARTICLE_C.replace("\n", " ")])
    report = cs.ingest(path)
    assert len(report.added) == 2
    assert report.failed == 2
    refs = sorted(e.source for e in report.errors)
    assert refs == [f"{path}:3", f"{path}:4"]


def test_csv_without_text_column_is_one_clear_error(cs, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    report = cs.ingest(path)
    assert report.failed == 1 and "--text-col" in str(report.errors[0])
    report = cs.ingest(path, text_col="nonexistent")
    assert "no column named 'nonexistent'" in str(report.errors[0])


def test_malformed_jsonl_lines(cs, tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": ARTICLE_B}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": ARTICLE_C}),
    ]))
    report = cs.ingest(path)
    assert len(report.added) == 2 and report.failed == 2
    assert {e.source for e in report.errors} == {f"{path}:2", f"{path}:3"}


def test_hostile_html_does_not_hang_or_crash(cs, tmp_path):
    deep = "<div>" * 50_000 + "text" + "</div>" * 50_000
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{deep}</body></html>")
    report = cs.ingest(path)
    assert report.added == [] and report.failed == 1


def test_control_characters_and_mixed_scripts(cs):
    text = "Headline\n\nThe minister\x00 said\x07 that \u202eevil\u202c ودمشق تنفي the claims were false and baseless."
    report = cs.ingest_text(text)
    assert report.failed == 0
    stored = cs.article(report.added[0]).text
    assert "\x00" not in stored and "\x07" not in stored
    assert "ودمشق" in stored


def test_missing_path_and_unsupported_scheme(cs):
    report = cs.ingest(["/definitely/not/here.txt", "ftp://example.org/file.txt"])
    assert report.failed == 2
    assert "no such file" in str(report.errors[0])
    assert "not supported" in str(report.errors[1])


def test_nothing_stored_is_touched_by_a_failed_input(cs, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE_A)
    cs.ingest(good)
    before = list(cs.store.rows("articles"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    cs.ingest(bad)
    assert list(cs.store.rows("articles")) == before


# -- hostile and unreachable URLs --------------------------------------------------------

@pytest.mark.parametrize("ip, refused", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.5", True), ("172.16.9.9", True),
    ("169.254.169.254", True), ("::1", True), ("fe80::1", True), ("0.0.0.0", True),
    ("::ffff:127.0.0.1", True), ("100.64.0.1", True), ("8.8.8.8", False), ("2001:4860:4860::8888", False),
])
def test_address_policy(ip, refused):
    assert (address_problem(ip) is not None) == refused


def test_loopback_refused_without_allow_private(cs, local_server):
    url = local_server.add("/story", HTML_PAGE)
    report = cs.ingest(url)
    assert report.added == [] and report.failed == 1
    assert "loopback" in str(report.errors[0]) and "--allow-private" in str(report.errors[0])


def test_localhost_name_resolves_and_is_refused(local_server):
    local_server.add("/story", HTML_PAGE)
    with pytest.raises(IngestError, match="loopback"):
        fetch(f"http://localhost:{local_server.port}/story")


def test_redirect_to_disallowed_scheme_refused(local_server):
    local_server.add("/jump", b"", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(IngestError, match="scheme 'file' is not allowed"):
        fetch(local_server.url("/jump"), FetchPolicy(allow_private=True))


def test_redirect_loop_capped(local_server):
    local_server.add("/loop", b"", status=302, headers={"Location": "/loop"})
    with pytest.raises(IngestError, match="redirects"):
        fetch(local_server.url("/loop"), FetchPolicy(allow_private=True, max_redirects=3))


def test_oversized_response_refused(local_server):
    local_server.add("/huge", "x" * 50_000, content_type="text/plain")
    with pytest.raises(IngestError, match="limit"):
        fetch(local_server.url("/huge"), FetchPolicy(allow_private=True, max_bytes=10_000))


def test_credentials_in_url_refused():
    with pytest.raises(IngestError, match="credentials"):
        fetch("http://user:secret@example.org/")


def test_unreachable_url_is_a_clear_error(cs):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = cs.ingest(f"http://127.0.0.1:{port}/x", allow_private=True)
    assert report.failed == 1 and "could not fetch" in str(report.errors[0])


def test_http_error_status(cs, local_server):
    report = cs.ingest(local_server.url("/missing"), allow_private=True)
    assert report.failed == 1 and "HTTP 404" in str(report.errors[0])
