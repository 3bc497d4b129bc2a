"""Fetching URLs safely: claimscope reads pages chosen by propagandists.

Every connection is checked *after* DNS resolution, at the moment of connecting, against
loopback, private, link-local, multicast, reserved and cloud-metadata addresses, so neither
a redirect nor a DNS answer that changes between check and use (rebinding) can reach an
internal service. Schemes are limited to http and https; size, time and redirects are capped.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore

from claimscope import __version__
from claimscope.ingest.errors import IngestError

ALLOWED_SCHEMES = ("http", "https")
# Cloud metadata/agent endpoints outside the private and link-local ranges (Azure's wire server).
METADATA_ADDRESSES = frozenset({"168.63.129.16"})
USER_AGENT = f"claimscope/{__version__} (+research; offline-first news analysis)"


@dataclass
class FetchPolicy:
    timeout_s: float = 20.0  # per connect/read; the whole fetch is bounded by total_timeout_s
    total_timeout_s: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False  # only for testing against local servers, never for crawling
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)


def address_problem(ip: str) -> str | None:
    """Why connecting to this address is refused, or None if it is a public address."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"unparseable address {ip!r}"
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        elif addr.sixtofour:  # 2002:7f00:1:: is 6to4 for 127.0.0.1
            embedded = address_problem(str(addr.sixtofour))
            if embedded:
                return f"a 6to4 address wrapping {embedded}"
        elif addr.is_site_local:
            return "a site-local address"
    if str(addr) in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_link_local:
        return "a link-local address (cloud metadata services live here)"
    if addr.is_private:
        return "a private-network address"
    if addr.is_multicast or addr.is_reserved or addr.is_unspecified:
        return "a reserved address"
    if not addr.is_global:
        return "a non-public address"
    return None


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself and connects only if every address it resolves to passes the
    policy; every socket operation is also bounded by the fetch's overall deadline, so a server
    that trickles its headers or body a byte at a time cannot hold a fetch open."""

    def __init__(self, policy: FetchPolicy, deadline: float | None = None):
        self.policy = policy
        self.deadline = deadline if deadline is not None else time.monotonic() + policy.total_timeout_s
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc}") from exc
        if not self.policy.allow_private:
            for _, _, _, _, sockaddr in infos:  # one internal address is enough to refuse the host
                problem = address_problem(sockaddr[0])
                if problem:
                    raise _Refused(f"{host} resolves to {sockaddr[0]}, {problem}")
        last_error: Exception | None = None
        for family, _, _, _, sockaddr in infos:
            ip = sockaddr[0]
            try:
                stream = self.inner.connect_tcp(ip, port, timeout=_bounded(timeout, self.deadline),
                                                local_address=local_address, socket_options=socket_options)
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise httpcore.ConnectError(f"cannot connect to {host}:{port}: {last_error}")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _bounded(timeout: float | None, deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("the fetch's total time limit is spent")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout, self.deadline))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout, self.deadline))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout, self.deadline)),
                               self.deadline)

    def get_extra_info(self, info: str):
        return self.inner.get_extra_info(info)


class _Refused(httpcore.ConnectError):
    pass


def fetch(url: str, policy: FetchPolicy | None = None) -> FetchResult:
    """GET a URL under the policy. Raises IngestError with the reason and what to do."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.total_timeout_s
    redirects: list[str] = []
    current = url
    with httpcore.ConnectionPool(ssl_context=ssl.create_default_context(), network_backend=_GuardedBackend(policy, deadline),
                                 max_connections=4, retries=0) as pool:
        for _ in range(policy.max_redirects + 1):
            _check_url(current, url)
            timeouts = {k: policy.timeout_s for k in ("connect", "read", "write", "pool")}
            headers = [(b"User-Agent", policy.user_agent.encode()), (b"Accept", b"text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,text/plain;q=0.9,*/*;q=0.5"),
                       (b"Accept-Encoding", b"identity")]
            try:
                with pool.stream("GET", current, headers=headers, extensions={"timeout": timeouts}) as response:
                    status = response.status
                    response_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers}
                    if status in (301, 302, 303, 307, 308) and "location" in response_headers:
                        nxt = urljoin(current, response_headers["location"])
                        redirects.append(nxt)
                        current = nxt
                        continue
                    declared = response_headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > policy.max_bytes:
                        raise IngestError(url, f"response is {int(declared):,} bytes, over the {policy.max_bytes:,}-byte limit",
                                          "raise --max-bytes if this page is really wanted")
                    chunks, size = [], 0
                    for chunk in response.iter_stream():
                        size += len(chunk)
                        if size > policy.max_bytes:
                            raise IngestError(url, f"response exceeds the {policy.max_bytes:,}-byte limit",
                                              "raise --max-bytes if this page is really wanted")
                        if time.monotonic() > deadline:
                            raise IngestError(url, f"download took longer than {policy.total_timeout_s:.0f} s",
                                              "try again later or raise --timeout")
                        chunks.append(chunk)
            except _Refused as exc:
                raise IngestError(url, f"refused: {exc}",
                                  "claimscope never fetches internal addresses; use --allow-private only for a local test server") from None
            except httpcore.TimeoutException:
                if time.monotonic() >= deadline - 0.01:
                    raise IngestError(url, f"download took longer than {policy.total_timeout_s:.0f} s",
                                      "try again later or raise --timeout") from None
                raise IngestError(url, f"timed out after {policy.timeout_s:.0f} s", "check the URL or try again later") from None
            except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, ssl.SSLError, OSError) as exc:
                raise IngestError(url, f"could not fetch: {exc or type(exc).__name__}", "check the URL and your connection") from None
            if status >= 400:
                raise IngestError(url, f"server answered HTTP {status}", "check the URL")
            content_type, charset = _content_type(response_headers.get("content-type", ""))
            return FetchResult(url=current, status=status, content_type=content_type, charset=charset,
                               body=b"".join(chunks), headers=response_headers, redirects=redirects)
    raise IngestError(url, f"more than {policy.max_redirects} redirects", "open the URL in a browser to see where it leads")


def _check_url(current: str, original: str) -> None:
    try:
        parts = urlsplit(current)
    except ValueError:
        raise IngestError(original, f"malformed URL {current!r}", "check the URL") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        where = "" if current == original else f" (redirected to {current})"
        raise IngestError(original, f"scheme {parts.scheme or '(none)'!r} is not allowed{where}",
                          "only http and https URLs are fetched")
    if not parts.hostname:
        raise IngestError(original, f"URL has no host: {current!r}", "check the URL")
    if parts.username or parts.password:
        raise IngestError(original, "URLs with embedded credentials are refused", "remove user:password@ from the URL")


def _content_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    return kind.strip().lower(), charset
