"""Shared fixtures: temporary stores, the ../shared data folder, a local HTTP server."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

# Fused ONNX graphs (claimscope.nn.onnx_runtime.fused_source) go to a cache of this test run, shared
# with the CLI subprocesses the tests start, not to the user's cache directory.
if "CLAIMSCOPE_ONNX_CACHE" not in os.environ:
    import tempfile

    os.environ["CLAIMSCOPE_ONNX_CACHE"] = tempfile.mkdtemp(prefix="claimscope-onnx-cache-")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLAIMSCOPE_SHARED", REPO.parent / "shared")).resolve()
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.exists(),
    reason=f"research data folder {SHARED_DATA} is absent (it is not redistributed with claimscope)",
)
needs_seeds = pytest.mark.skipif(
    not SEEDS.exists(), reason=f"seed articles folder {SEEDS} is absent (not redistributed with claimscope)"
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def cs(db_path: Path):
    import claimscope

    handle = claimscope.open(db_path)
    yield handle
    handle.close()


def run_cli(*args: str, db: Path | None = None, input: bytes | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (end-to-end)."""
    command = [sys.executable, "-m", "claimscope.cli"]
    if db is not None:
        command += ["--db", str(db)]
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(command + list(args), input=input, capture_output=True, timeout=timeout, env=full_env)


def send_response(handler: http.server.BaseHTTPRequestHandler, status: int, headers: dict[str, str],
                  body: bytes) -> None:
    """Write one scripted response (Content-Length added unless the script sets its own)."""
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self):  # noqa: N802 - http.server API
        send_response(self, *self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found")))

    def log_message(self, *args):  # keep test output clean
        pass


class LocalServer:
    def __init__(self):
        handler = type("Handler", (_Handler,), {"routes": {}})
        self.routes = handler.routes
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: dict[str, str] | None = None) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, data)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server():
    server = LocalServer()
    yield server
    server.close()


# ------------------------------------------------------------------------------ PostgreSQL
# Store tests run against SQLite and a real PostgreSQL server: a throwaway cluster started
# once per test session (initdb in a temporary folder, unix socket only, no TCP port), or the
# server given by $CLAIMSCOPE_TEST_PG_URL (a URL of a database whose user may CREATE DATABASE).
# Each test gets a fresh database. Tests skip, saying why, only when no server binaries exist.

PG_ENV_URL = "CLAIMSCOPE_TEST_PG_URL"


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    if os.environ.get("CLAIMSCOPE_PG_BIN"):
        return Path(os.environ["CLAIMSCOPE_PG_BIN"])
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    candidates += glob.glob("/usr/local/pgsql/bin/initdb") + glob.glob("/opt/homebrew/bin/initdb")
    return Path(candidates[-1]).parent if candidates else None


class PgServer:
    """A PostgreSQL cluster in a temporary folder, reachable only through its unix socket."""

    def __init__(self, bindir: Path):
        import tempfile

        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="claimscope-pg-"))  # short: socket paths are limited
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.run_as: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # initdb and postgres refuse to run as root: use the postgres account the packages create
            import pwd
            import shutil

            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("tests run as root and there is no 'postgres' user to run the test server as; "
                            f"create one or set {PG_ENV_URL}")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            runner = shutil.which("runuser") or shutil.which("su")
            if runner and runner.endswith("runuser"):
                self.run_as = [runner, "-u", "postgres", "--"]
            else:
                self.run_as = ["su", "postgres", "-s", "/bin/sh", "-c"]

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as and self.run_as[0] == "su":
            import shlex

            command = [*self.run_as, shlex.join(command)]
        else:
            command = [*self.run_as, *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}")

    def start(self) -> None:
        base = ("initdb", "-D", str(self.data), "-U", "claimscope", "--auth=trust", "-E", "UTF8", "--no-sync")
        try:  # C.UTF-8: byte order, and Unicode letters for the full-text parser, on any host
            self._run(*base, "--locale=C.UTF-8")
        except RuntimeError:  # a system without that locale: the environment's UTF-8 locale
            import shutil

            shutil.rmtree(self.data, ignore_errors=True)
            self._run(*base)
        options = (f"-k {self.folder} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=60 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")
        self.admin_url = f"postgresql://claimscope@/postgres?host={self.folder}&port=5432"

    def stop(self) -> None:
        import shutil

        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url():
    """URL of a database on a PostgreSQL server whose user may create databases."""
    if os.environ.get(PG_ENV_URL):
        yield os.environ[PG_ENV_URL]
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]' (or '.[postgres]')")
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql, "
                    f"set CLAIMSCOPE_PG_BIN to their folder, or point {PG_ENV_URL} at a server")
    server = PgServer(bindir)
    server.start()
    yield server.admin_url
    server.stop()


def _with_dbname(url: str, dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


@pytest.fixture
def pg_url(pg_admin_url, tmp_path, monkeypatch):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    import psycopg

    # the vector index of a server store lives in the user cache: keep it inside the test's folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    name = "claimscope_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    yield _with_dbname(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """Where to open a fresh store, once per backend: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def cs_any(store_url):
    """A claimscope handle over a fresh store, once per backend."""
    import claimscope

    handle = claimscope.open(store_url)
    yield handle
    handle.close()
