"""Concurrency and load: the real server (``claimscope serve`` in a subprocess) under a bounded
mix of concurrent reads and token-authenticated writes from loopback, while a CLI ``analyze``
writes to the same store; once on SQLite and once on PostgreSQL.

No request may fail, no "database is locked" may reach a client, every acknowledged write must
be in the store afterwards, and the concurrent analysis must finish its work. Latency is not
asserted here (tests never time things): bench/reliability.py records p50/p95.
"""

from __future__ import annotations

import subprocess

import pytest

pytest.importorskip("httpx", reason="the load generator uses httpx")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from reliability_support import (ServerProcess, cli, invented_articles, merge_results, run_load,  # noqa: E402
                                 store_problems)

from claimscope.ingest import Ingestor  # noqa: E402
from claimscope.pipeline import Pipeline  # noqa: E402
from claimscope.store import open_store  # noqa: E402

TOKEN = "load-test-token"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "load.db")
    return request.getfixturevalue("pg_url")


def _prepare(location: str) -> tuple[list[str], list[str]]:
    """16 invented articles, the first 6 analysed (something to read); returns (analysed, pending)."""
    store = open_store(location)
    try:
        ingestor = Ingestor(store)
        ids = []
        for article in invented_articles(16, seed=11):
            report = ingestor.ingest_text(article["text"], title=article["title"], outlet=article["outlet"],
                                          published_at=article["published_at"])
            ids += report.added
        pipeline = Pipeline()
        pipeline.run(store, limit=6)
        pending = set(pipeline.pending(store))
        return [i for i in ids if i not in pending], [i for i in ids if i in pending]
    finally:
        store.close()


@pytest.mark.slow
def test_concurrent_reads_writes_and_cli_analysis(location, tmp_path):
    analysed, pending = _prepare(location)
    assert len(pending) == 10
    log = tmp_path / "server.log"
    with ServerProcess(location, TOKEN, log=log) as server:
        analysis = subprocess.Popen(cli("--db", location, "analyze"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # rounds of 60 requests until the analysis has finished (at least 4, at most 15 rounds)
        rounds, overlapping = [], 0
        while len(rounds) < 4 or (analysis.poll() is None and len(rounds) < 15):
            rounds.append(run_load(server.base_url, TOKEN, requests=60, workers=6, write_share=0.25,
                                   seed=len(rounds), max_seconds=300, article_ids=analysed))
            overlapping += analysis.poll() is None
        out, err = analysis.communicate(timeout=900)
    result = merge_results(rounds)
    server_log = log.read_text(errors="replace")
    assert overlapping >= 1, "the load never ran while the CLI analysis was writing"
    assert result.requests == 60 * len(rounds), f"only {result.requests} requests sent"
    assert result.errors == [], result.errors[:5]
    assert "database is locked" not in server_log.lower() and "Traceback" not in server_log, server_log[-3000:]
    assert analysis.returncode == 0, err.decode()[-2000:]
    assert "database is locked" not in err.decode().lower()
    writes = result.by_kind.get("write", [])
    assert len(writes) >= 30 and len(result.written) == len(writes)

    store = open_store(location)
    try:
        lost = [i for i in set(result.written) if not store.has_article(i)]
        assert lost == [], f"{len(lost)} acknowledged writes are missing"
        left = set(Pipeline().pending(store))
        assert not (left & set(pending)), "the concurrent CLI analysis did not finish the articles it planned"
        assert store.stats()["articles"] == 16 + len(set(result.written))
    finally:
        store.close()
    if not location.startswith("postgres"):
        assert store_problems(location) == []
