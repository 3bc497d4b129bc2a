"""Safe fetching against local servers that try each trick (all traffic stays on loopback).

One server plays a *public* site: tests declare its address (127.0.0.2) public through the
address policy, and everything else stays forbidden. From there it redirects to loopback,
metadata and private addresses in every spelling, rebinds its DNS name between requests,
trickles its headers and body, lies about sizes and sends compression bombs. No connection to
a forbidden address is ever attempted (the tests record every connect), and each refusal
names the URL and the reason. test_ingest_bad_input.py covers the basic policy table,
loopback refusal, scheme and redirect caps.
"""

from __future__ import annotations

import gzip
import http.server
import importlib
import socket
import threading
import time

import httpcore
import pytest

from conftest import send_response
from invented import HTML_PAGE

from claimscope.ingest.errors import IngestError
from claimscope.ingest.fetch import FetchPolicy, address_problem, fetch

fetch_module = importlib.import_module("claimscope.ingest.fetch")  # the module, not the function
PUBLIC_STANDIN = "127.0.0.2"


class TrickServer:
    """A tiny HTTP server on PUBLIC_STANDIN with scripted, possibly hostile, responses."""

    def __init__(self, host: str = PUBLIC_STANDIN):
        self.routes: dict[str, object] = {}
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.hits.append(self.path)
                action = server.routes.get(self.path)
                if action is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif callable(action):
                    action(self)
                else:
                    send_response(self, *action)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def redirect(self, path: str, location: str) -> str:
        self.routes[path] = (302, {"Location": location}, b"")
        return self.base + path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def public(monkeypatch):
    """The trick server, whose address the policy treats as public; every connect is recorded."""
    real_problem = address_problem
    monkeypatch.setattr(fetch_module, "address_problem",
                        lambda ip: None if ip == PUBLIC_STANDIN else real_problem(ip))
    connects: list[str] = []
    real_connect = httpcore.SyncBackend.connect_tcp

    def recording_connect(self, host, port, *args, **kwargs):
        connects.append(host)
        if host != PUBLIC_STANDIN:
            raise AssertionError(f"a connection to {host}:{port} was attempted")
        return real_connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording_connect)
    server = TrickServer()
    server.connects = connects
    yield server
    server.close()


@pytest.fixture
def internal():
    """A loopback server standing for an internal service: it must never be reached."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = b"internal secret"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.hits = hits
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_the_stand_in_public_site_is_fetched(public):
    public.routes["/story"] = (200, {"Content-Type": "text/html"}, HTML_PAGE.encode())
    result = fetch(public.base + "/story")
    assert result.status == 200 and b"<html" in result.body.lower()


@pytest.mark.parametrize("spelling", ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1",
                                      "[::1]", "[::ffff:127.0.0.1]", "LOCALHOST", "0.0.0.0"])
def test_redirect_to_loopback_in_every_spelling_is_refused(public, internal, spelling):
    port = internal.server_address[1]
    url = public.redirect("/jump", f"http://{spelling}:{port}/admin")
    with pytest.raises(IngestError) as caught:
        fetch(url)
    assert caught.value.source == url and "refused" in caught.value.problem
    assert internal.hits == [] and set(public.connects) == {PUBLIC_STANDIN}


@pytest.mark.parametrize("target", ["169.254.169.254", "[fd00:ec2::254]", "100.100.100.200", "168.63.129.16",
                                    "10.1.2.3", "192.168.1.1", "172.16.0.1", "[fe80::1]", "[2002:a9fe:a9fe::1]",
                                    "[64:ff9b::a9fe:a9fe]", "[fec0::1]", "metadata.google.internal"])
def test_redirect_to_metadata_and_private_addresses_refused_without_connecting(public, target):
    url = public.redirect("/meta", f"http://{target}/latest/meta-data/iam/")
    with pytest.raises(IngestError, match="refused|could not fetch|cannot resolve"):
        fetch(url)
    assert set(public.connects) == {PUBLIC_STANDIN}


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:70/",
                                      "data:text/html,<script>x</script>", "javascript:alert(1)",
                                      "dict://127.0.0.1:11211/", "http://user:pw@example.org/"])
def test_redirect_to_other_schemes_or_credentials_refused(public, location):
    with pytest.raises(IngestError, match="not allowed|credentials"):
        fetch(public.redirect("/s", location))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://example.org/",
                                 "javascript:alert(1)", "data:,hello", "http:///nohost", "http://[::1"])
def test_disallowed_or_malformed_urls_refused_up_front(url):
    with pytest.raises(IngestError):
        fetch(url)


def test_dns_rebinding_between_requests_is_refused(public, internal, monkeypatch):
    """A name that resolves to the public stand-in first and to loopback on the next lookup."""
    answers = iter([PUBLIC_STANDIN, "127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.test":
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", rebinding)
    internal_port = internal.server_address[1]
    public.routes["/start"] = (302, {"Location": f"http://rebind.test:{internal_port}/admin"}, b"")
    with pytest.raises(IngestError, match="resolves to 127.0.0.1, a loopback address"):
        fetch(f"http://rebind.test:{public.port}/start")
    assert internal.hits == []


def test_a_name_with_one_internal_address_among_public_ones_is_refused(public, monkeypatch):
    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_STANDIN, port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))])
    with pytest.raises(IngestError, match="169.254.169.254"):
        fetch(f"http://mixed.test:{public.port}/story")
    assert public.connects == []


def _trickle(chunks: list[bytes], pause: float):
    def handler(request):
        try:
            for chunk in chunks:
                request.wfile.write(chunk)
                request.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up, as it should
    return handler


def test_trickled_headers_cannot_hold_a_fetch_past_its_total_limit(public):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 200
    public.routes["/slow-headers"] = _trickle([head[i:i + 1] for i in range(len(head))], 0.05)
    with pytest.raises(IngestError, match="longer than 1 s"):
        fetch(public.base + "/slow-headers", FetchPolicy(timeout_s=0.5, total_timeout_s=1.0))


def test_trickled_body_cannot_hold_a_fetch_past_its_total_limit(public):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
    public.routes["/slow-body"] = _trickle([head] + [b"<p>x</p>"] * 200, 0.05)
    with pytest.raises(IngestError, match="longer than 1 s"):
        fetch(public.base + "/slow-body", FetchPolicy(timeout_s=0.5, total_timeout_s=1.0))


def test_size_limits_declared_and_undeclared(public):
    public.routes["/declared"] = (200, {"Content-Type": "text/html", "Content-Length": str(10**12)}, b"")
    with pytest.raises(IngestError, match="over the 10,000-byte limit"):
        fetch(public.base + "/declared", FetchPolicy(max_bytes=10_000))
    body = b"<p>" + b"y" * 50_000 + b"</p>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"  # no length: read to close
    public.routes["/undeclared"] = _trickle([head, body], 0)
    with pytest.raises(IngestError, match="exceeds the 10,000-byte limit"):
        fetch(public.base + "/undeclared", FetchPolicy(max_bytes=10_000))


def test_gzip_bomb_response_is_never_decompressed(public, tmp_path):
    import claimscope

    bomb = gzip.compress(b"<p>" + b"A" * 30_000_000 + b"</p>")
    public.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    result = fetch(public.base + "/bomb")
    assert result.body == bomb  # identity was asked for; nothing was inflated
    with claimscope.open(tmp_path / "b.db") as cs:
        report = cs.ingest(public.base + "/bomb")
        assert report.added == [] and "gzip" in str(report.errors[0])


def test_feed_linking_to_itself_is_not_followed(local_server, tmp_path):
    import claimscope

    feed_url = local_server.url("/feed.xml")
    local_server.add("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>'
                                  f"<item><title>Me</title><link>{feed_url}</link></item>"
                                  f"<item><title>Me again</title><link>{feed_url}</link></item></channel></rss>",
                     content_type="application/rss+xml")
    with claimscope.open(tmp_path / "f.db") as cs:
        report = cs.ingest(feed_url, allow_private=True)
    assert report.added == [] and len(report.errors) == 2
    assert all("links to another feed" in e.problem for e in report.errors)


def test_feed_entries_pointing_inside_are_refused_and_keep_their_text(public, internal, tmp_path):
    import claimscope

    port = internal.server_address[1]
    summary = "Residents said the bridge over the Velmar river was closed after the shelling on Sunday."
    public.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        f"<item><title>A</title><link>http://127.0.0.1:{port}/admin</link><description>{summary}</description></item>"
        f"<item><title>B</title><link>http://169.254.169.254/latest/</link></item>"
        "</channel></rss>").encode())
    with claimscope.open(tmp_path / "g.db") as cs:
        report = cs.ingest(public.base + "/feed.xml")
        assert len(report.added) == 1 and len(report.errors) == 1
        stored = cs.article(report.added[0])
        assert stored.metadata["from_feed_summary"] and "loopback" in stored.metadata["fetch_error"]
        assert "link-local" in report.errors[0].problem
    assert internal.hits == []


def test_api_url_ingest_refuses_internal_addresses(tmp_path, internal):
    from fastapi.testclient import TestClient

    from claimscope.web import create_app

    port = internal.server_address[1]
    with TestClient(create_app(tmp_path / "api.db", token="t")) as client:
        for url in (f"http://127.0.0.1:{port}/", "http://169.254.169.254/latest/", f"http://localhost:{port}/"):
            r = client.post("/api/ingest/url", json={"url": url}, headers={"Authorization": "Bearer t"})
            assert r.status_code == 422 and "refused" in " ".join(r.json()["errors"]), r.text
        r = client.post("/api/ingest/url", json={"url": "file:///etc/passwd"}, headers={"Authorization": "Bearer t"})
        assert r.status_code == 422
    assert internal.hits == []


@pytest.mark.parametrize("ip, reason", [("2002:7f00:1::", "6to4"), ("2002:a9fe:a9fe::1", "6to4"),
                                        ("fec0::1", "site-local"), ("168.63.129.16", "metadata"),
                                        ("64:ff9b::7f00:1", "reserved")])
def test_address_policy_covers_embedded_and_metadata_forms(ip, reason):
    assert reason in (address_problem(ip) or "")
