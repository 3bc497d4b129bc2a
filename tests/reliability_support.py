"""Shared by the crash-safety and load tests and by bench/reliability.py (no tests here).

- ``invented_articles``: deterministic invented news texts (an invented country and invented
  people, places and outlets), varied enough that every analyzer has work to do.
- ``store_problems``: the consistency checks run after every SIGKILL: the database opens and
  passes SQLite's integrity check, no article is half-written, no analysis is half-written.
- ``ServerProcess``: ``claimscope serve`` in a subprocess on a free loopback port.
- ``run_load``: a bounded load generator (a fixed number of requests, a time limit, loopback
  only) mixing reads of every kind with token-authenticated writes; it records each request's
  latency, status and any error body, and which writes were acknowledged.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

PLACES = ["Port Calder", "Drennick", "Ostrava Ridge", "Velmar", "Kessin", "Tarrow Bay", "Lindqvist Heights",
          "Marrow Fields", "Sollen", "Brackwater"]
SPEAKERS = ["the Veskarian defence ministry", "Colonel Anik Dorrell", "the Kestrian Medical Relief Union",
            "Foreign Minister Ilse Varga", "the opposition Rally for Calder", "a spokesman for the Northern Front",
            "the governor of Drennick, Pavel Orsk", "the Interior Ministry of Veskaria"]
EVENTS = ["shelling of the central market", "chlorine attack on the eastern district",
          "air strike on the water station", "ambush of an aid convoy", "bombing of the old hospital",
          "drone strike on the grain depot"]
OUTLETS = ["Kestria Today", "Veskaria State News", "The Drennick Courier", "Calder Free Radio"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def invented_article(i: int, seed: int = 0) -> dict[str, str]:
    """One invented article: title, text (four paragraphs), outlet, date."""
    rng = random.Random(seed * 100_003 + i)
    place, other = rng.sample(PLACES, 2)
    accuser, denier, witness = rng.sample(SPEAKERS, 3)
    event = rng.choice(EVENTS)
    killed, wounded = rng.randint(2, 60), rng.randint(5, 140)
    day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.choice([2019, 2020, 2021, 2022])
    weekday = rng.choice(WEEKDAYS)
    text = (
        f"{accuser[0].upper() + accuser[1:]} said on {weekday} that government forces carried out the {event} in {place} "
        f"on {day} {month} {year}, killing at least {killed} civilians and wounding {wounded} others.\n\n"
        f"\"This was a deliberate crime against the people of {place},\" {accuser} said in a statement, adding "
        f"that rescue teams were still searching the rubble near the {other} road (report {i}).\n\n"
        f"{denier[0].upper() + denier[1:]} denied the accusations, calling them fabricated and claiming that armed groups "
        f"staged the scene to provoke foreign intervention. It said only {max(1, killed // 4)} fighters had died.\n\n"
        f"{witness[0].upper() + witness[1:]} told reporters that doctors in {other} had treated {wounded // 2} patients with "
        f"breathing difficulties, and called for an independent investigation into case number {seed}-{i}."
    )
    return {"title": f"{event.capitalize()} in {place}: {killed} dead, officials say ({i})", "text": text,
            "outlet": OUTLETS[i % len(OUTLETS)], "published_at": f"{year}-{MONTHS.index(month) + 1:02d}-{day:02d}"}


def invented_articles(n: int, seed: int = 0) -> list[dict[str, str]]:
    return [invented_article(i, seed) for i in range(n)]


def write_jsonl(path: Path, articles: list[dict[str, str]]) -> Path:
    import json

    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


# -- consistency after a crash --------------------------------------------------------------

_OUTPUT_TABLES = ("spans", "claims", "incident_mentions", "casualty_figures", "technique_spans", "links")


def store_problems(db: Path, requires: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Everything wrong with a SQLite store after a crash (empty list: consistent).

    ``requires``: analyzer name -> the analyzers it requires; when given, every article's
    finished analyzers must include their requirements (they are saved in one transaction)."""
    problems: list[str] = []
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    except sqlite3.Error as exc:
        return [f"cannot open {db}: {exc}"]
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            problems.append(f"integrity_check: {check[:3]}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign key violations")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        if fts != articles:
            problems.append(f"full-text index holds {fts} rows for {articles} articles")
        orphans = conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                               "(SELECT 1 FROM sightings s WHERE s.article_id = a.id)").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} articles without a sighting (half-written ingest)")
        for table in _OUTPUT_TABLES:
            # an analyzer's rows for an article without its run record: a half-written analysis
            rows = conn.execute(
                f"SELECT count(*) FROM {table} t WHERE t.article_id IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM analysis_runs r WHERE r.article_id = t.article_id AND r.analyzer = t.producer)"
                + (" AND t.manual = 0" if table == "links" else "")).fetchone()[0]
            if rows:
                problems.append(f"{rows} {table} rows without a finished analysis run")
        if requires:
            done: dict[str, set[str]] = {}
            for article_id, analyzer in conn.execute("SELECT article_id, analyzer FROM analysis_runs"):
                done.setdefault(article_id, set()).add(analyzer)
            for article_id, names in done.items():
                missing = {r for n in names for r in requires.get(n, ()) if r not in names}
                if missing:
                    problems.append(f"article {article_id}: {sorted(names)} finished without {sorted(missing)}")
                    break
    except sqlite3.Error as exc:
        problems.append(f"query failed: {exc}")
    finally:
        conn.close()
    return problems


def analysis_summary(db: Path) -> dict[str, int]:
    """Row counts of the analysis outputs (compare a killed-and-resumed run with a clean one)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        out = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _OUTPUT_TABLES + ("articles",)}
        out["analysis_runs"] = conn.execute("SELECT count(*) FROM analysis_runs").fetchone()[0]
        return out
    finally:
        conn.close()


def kill_at_random(command: list[str], delay: float, env: dict[str, str] | None = None) -> int | None:
    """Start ``command``, SIGKILL it after ``delay`` seconds; returns its exit code if it finished first."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def kill_when(command: list[str], condition: Callable[[], bool], *, timeout: float = 900,
              env: dict[str, str] | None = None) -> int | None:
    """Start ``command`` and SIGKILL it as soon as ``condition()`` holds (polled every 20 ms);
    returns its exit code if it finished first. Kill points tied to progress, not to the clock,
    land mid-work on a fast machine and on a busy one alike."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            return code
        try:
            hit = condition()
        except sqlite3.Error:
            hit = False
        if hit:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return None
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise TimeoutError(f"{' '.join(command)} neither finished nor met the kill condition in {timeout:.0f} s")


def analysed_count(db: Path, version_like: str = "%") -> int:
    """Articles with at least one finished analysis (of a version matching ``version_like``)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(DISTINCT article_id) FROM analysis_runs WHERE analyzer_version LIKE ?",
                            (version_like,)).fetchone()[0]
    finally:
        conn.close()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimscope.cli", *args]


# -- the server and the load generator ------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``claimscope serve`` over ``db`` (a path or URL) on 127.0.0.1, stopped on exit."""

    def __init__(self, db: str | Path, token: str, *, write_rate: int = 0, log: Path | None = None):
        self.db, self.token, self.write_rate = str(db), token, write_rate
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        import httpx

        out = self.log.open("wb") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(cli("--db", self.db, "serve", "--port", str(self.port), "--token", self.token,
                                         "--write-rate", str(self.write_rate)),
                                     stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"claimscope serve exited with {self.proc.returncode}"
                                   + (f"; see {self.log}" if self.log else ""))
            try:
                if httpx.get(self.base_url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("claimscope serve did not answer /api/health within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # transport errors, 5xx, "database is locked", bad statuses
    written: list[str] = field(default_factory=list)  # article ids the server acknowledged as stored
    requests: int = 0
    seconds: float = 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)


def merge_results(results: list[LoadResult]) -> LoadResult:
    merged = LoadResult()
    for r in results:
        merged.latencies_ms += r.latencies_ms
        merged.errors += r.errors
        merged.written += r.written
        merged.requests += r.requests
        merged.seconds += r.seconds
        for kind, values in r.by_kind.items():
            merged.by_kind.setdefault(kind, []).extend(values)
    return merged


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


READ_PATHS = ("/api/articles?limit=20", "/api/claims?limit=20", "/api/incidents/mentions?limit=20",
              "/api/search?q=shelling", "/api/outlets", "/api/techniques", "/api/health", "/",
              "/api/articles?outlet=Kestria%20Today&since=2020", "/api/claims?claim_type=denial")


def run_load(base_url: str, token: str, *, requests: int = 300, workers: int = 6, write_share: float = 0.2,
             seed: int = 7, max_seconds: float = 300.0, article_ids: list[str] | None = None,
             progress: Callable[[int], Any] | None = None) -> LoadResult:
    """Send ``requests`` requests from ``workers`` threads (each with its own keep-alive client),
    stopping early at ``max_seconds``. Only loopback URLs are accepted."""
    import httpx

    if not base_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"the load generator only targets loopback addresses, not {base_url}")
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + max_seconds
    auth = {"Authorization": f"Bearer {token}"}
    ids = list(article_ids or [])

    def record(kind: str, ms: float, problem: str | None = None, written: list[str] | None = None) -> None:
        with lock:
            result.requests += 1
            result.latencies_ms.append(ms)
            result.by_kind.setdefault(kind, []).append(ms)
            if problem:
                result.errors.append(problem)
            if written:
                result.written.extend(written)
        if progress:
            progress(1)

    def worker(worker_id: int) -> None:
        rng = random.Random(seed * 1000 + worker_id)
        with httpx.Client(base_url=base_url, timeout=120) as client:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                if rng.random() < write_share:
                    kind, article = "write", invented_article(n, seed=seed + 10_000)
                    send = lambda: client.post("/api/ingest/text", json=article, headers=auth)  # noqa: E731
                else:
                    path = rng.choice(READ_PATHS + tuple(f"/api/articles/{i}" for i in ids[:20]))
                    kind = "read " + path.split("?")[0].rsplit("/", 1)[0] if path.startswith("/api/articles/") \
                        else "read " + path.split("?")[0]
                    send = lambda: client.get(path)  # noqa: E731
                t0 = time.perf_counter()
                try:
                    response = send()
                except httpx.HTTPError as exc:
                    record(kind, (time.perf_counter() - t0) * 1000, f"{kind}: {type(exc).__name__}: {exc}")
                    continue
                ms = (time.perf_counter() - t0) * 1000
                body = response.text
                problem = None
                if "database is locked" in body.lower() or "database is busy" in body.lower():
                    problem = f"{kind}: HTTP {response.status_code} with 'database is locked'"
                elif response.status_code >= 500:
                    problem = f"{kind}: HTTP {response.status_code}: {body[:200]}"
                elif kind == "write" and response.status_code not in (200, 201):
                    problem = f"write: HTTP {response.status_code}: {body[:200]}"
                elif kind != "write" and response.status_code != 200:
                    problem = f"{kind}: HTTP {response.status_code}: {body[:200]}"
                written = None
                if kind == "write" and response.status_code in (200, 201):
                    payload = response.json()
                    written = payload.get("added", []) + payload.get("existing", [])
                    if not written:
                        problem = f"write acknowledged without an article id: {body[:200]}"
                record(kind, ms, f"{problem} (after {ms:.0f} ms)" if problem else None, written)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 180)
    result.seconds = time.perf_counter() - started
    return result
