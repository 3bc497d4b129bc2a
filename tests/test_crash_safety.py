"""Crash safety: SIGKILL at random points of analyze (and of a re-analysis with new model
versions over a store holding a user's merges, splits and reviews), backup and restore.

After every kill the database opens, passes SQLite's integrity check and holds no half-written
article or analysis (tests/reliability_support.store_problems); a rerun completes the work and
ends where an uninterrupted run ends. SIGKILL during ingest is in test_pipeline_resume.py; the
longer randomised campaign (ingest and analyze, many kills) is bench/reliability.py.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from reliability_support import (analysis_summary, analysed_count, cli, invented_articles, kill_at_random,
                                 kill_when, store_problems)
from test_web_support import copy_db

import claimscope
from claimscope.ingest import Ingestor
from claimscope.pipeline import registered
from claimscope.store import StoreError, open_store


def _requires() -> dict[str, tuple[str, ...]]:
    return {name: tuple(cls.requires) for name, cls in registered().items()}


def _ingest_invented(db, n: int, seed: int = 0) -> list[str]:
    store = open_store(db)
    ingestor = Ingestor(store)
    ids = []
    for article in invented_articles(n, seed):
        report = ingestor.ingest_text(article["text"], title=article["title"], outlet=article["outlet"],
                                      published_at=article["published_at"])
        assert report.added, report.errors
        ids += report.added
    store.close()
    return ids


@pytest.mark.slow
def test_sigkill_during_analyze_repeatedly_then_rerun_matches_a_clean_run(tmp_path):
    db = tmp_path / "killed.db"
    _ingest_invented(db, 40, seed=1)  # two pipeline batches (32 + 8)
    reference = tmp_path / "reference.db"
    shutil.copy(db, reference)
    clean = subprocess.run(cli("--db", str(reference), "analyze"), capture_output=True, timeout=900)
    assert clean.returncode == 0, clean.stderr.decode()[-2000:]

    command = cli("--db", str(db), "analyze")
    rng = random.Random(20240501)
    # 1: while starting up (loading models or parsing the first batch)
    assert kill_at_random(command, delay=rng.uniform(0.3, 1.5)) is None
    assert store_problems(db, _requires()) == []
    # 2: as soon as the first batch's articles are being saved: mid-save or in the second batch
    assert kill_when(command, lambda: analysed_count(db) >= 1) is None
    assert store_problems(db, _requires()) == []
    assert analysed_count(db) < 40, "the kill should land before the second batch is saved"
    # 3: once every article is saved, in the corpus-level linking stage (or just after it)
    kill_when(command, lambda: analysed_count(db) >= 40)
    assert store_problems(db, _requires()) == []

    rerun = subprocess.run(command, capture_output=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    assert store_problems(db, _requires()) == []
    assert analysis_summary(db) == analysis_summary(reference)
    again = subprocess.run(command, capture_output=True, timeout=900)
    assert b"0 articles analysed" in again.stdout, again.stdout


_BUMPED_ANALYZE = textwrap.dedent("""
    import sys
    from claimscope.pipeline import registered
    for name in ("claims", "incidents"):
        registered()[name].version += "+retrained"   # a new model version of each
    from claimscope.cli import main
    main(sys.argv[1:], prog_name="claimscope")
""")


def _claim_reviews(db) -> list[dict]:
    from claimscope.exports import export
    import io

    store = open_store(db)
    try:
        buffer = io.StringIO()
        export(store, "jsonld", buffer)
    finally:
        store.close()
    graph = json.loads(buffer.getvalue())["@graph"]
    return [node for node in graph if node.get("@type") == "ClaimReview"]


@pytest.mark.slow
def test_manual_edits_and_reviews_survive_killed_reanalysis_with_new_model_versions(tmp_path):
    db = copy_db(tmp_path)
    cs = claimscope.open(db)
    cs.link(force=True)
    incidents = [i for i in cs.store.incidents(limit=100) if len(cs.store.mentions_of_incident(i["id"])) >= 1]
    keep, other = incidents[0]["id"], incidents[1]["id"]
    cs.merge_incidents(keep, other, author="analyst")
    members = cs.store.mentions_of_incident(keep)
    assert len(members) >= 2
    cs.split_incident(keep, [members[-1]["id"]], author="analyst")
    from claimscope.linking.clustering import mention_key

    kept_keys = sorted(mention_key(m) for m in cs.store.mentions_of_incident(keep))
    # a user's fact-check verdict on one claim, keyed by the claim's character range
    claim = cs.store.find_claims(limit=1)[0]
    cs.store.conn.execute(
        "INSERT INTO reviews(article_id, start, end, claim_text, rating, reviewer, created_at) "
        "VALUES (?, ?, ?, ?, 'False', 'analyst', '2024-05-01')",
        (claim["article_id"], claim["content_start"], claim["content_end"], claim["text"]))
    old_claim_ids = {c["id"] for c in cs.store.find_claims(limit=10_000)}
    cs.close()
    assert [r["itemReviewed"]["@id"] for r in _claim_reviews(db)] == [f"urn:claimscope:claim:{claim['id']}"]

    command = [sys.executable, "-c", _BUMPED_ANALYZE, "--db", str(db), "analyze"]
    kill_points = (lambda: analysed_count(db, "%+retrained%") >= 1, lambda: analysed_count(db, "%+retrained%") >= 10)
    for condition in kill_points:  # during the re-analysis's saves, then later in it (or in linking)
        kill_when(command, condition)
        assert store_problems(db, _requires()) == []
        store = open_store(db)  # the edits are untouched by a crash at any point
        assert len(store.manual_edits()) == 2
        assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
        store.close()
    done = subprocess.run(command, capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()[-2000:]

    cs = claimscope.open(db)
    try:
        versions = cs.store.conn.execute("SELECT DISTINCT analyzer, analyzer_version FROM analysis_runs "
                                         "WHERE analyzer IN ('claims', 'incidents')").fetchall()
        assert {a for a, _ in versions} == {"claims", "incidents"}
        assert all("+retrained" in v for _, v in versions), versions  # every article re-analysed
        new_claim_ids = {c["id"] for c in cs.store.find_claims(limit=10_000)}
        assert not (new_claim_ids & old_claim_ids), "re-analysis recreates claims with new ids"
        incident = cs.store.incident(keep)
        assert incident is not None and incident["locked"]
        assert sorted(mention_key(m) for m in cs.store.mentions_of_incident(keep)) == kept_keys
        assert cs.store.incident(other) is None  # still merged away
    finally:
        cs.close()
    reviews = _claim_reviews(db)
    assert len(reviews) == 1
    reattached = int(reviews[0]["itemReviewed"]["@id"].rsplit(":", 1)[1])
    assert reattached in new_claim_ids  # the review follows the claim covering its range


# -- backup and restore ----------------------------------------------------------------------

def test_backup_restore_round_trip_and_refusals(tmp_path):
    db = tmp_path / "live.db"
    ids = _ingest_invented(db, 4, seed=3)
    cs = claimscope.open(db)
    out = tmp_path / "backups" / "live-backup.db"
    info = cs.backup(out)
    assert info.articles == 4 and out.exists() and not (out.parent / f".{out.name}.part").exists()
    with pytest.raises(StoreError, match="already exists"):
        cs.backup(out)
    with pytest.raises(StoreError, match="is the store itself"):
        cs.backup(db, force=True)
    cs.backup(out, force=True)
    cs.ingest_text("An extra invented article written after the backup, about the Velmar bridge and its closure.")
    cs.close()

    target = claimscope.open(tmp_path / "restored.db")
    info = target.restore(out)
    assert info.articles == 4 and sorted(a.id for a in target.articles(limit=100)) == sorted(ids)
    assert target.search("Velmar") is not None
    with pytest.raises(StoreError, match="holds 4 articles"):
        target.restore(out)
    target.close()

    live = claimscope.open(db)
    assert live.stats()["articles"] == 5
    live.restore(out, force=True)  # back to the snapshot: the later article is gone
    assert live.stats()["articles"] == 4
    live.close()
    assert store_problems(db) == []


def test_restore_refuses_broken_or_foreign_files_and_leaves_the_store_alone(tmp_path):
    db = tmp_path / "live.db"
    _ingest_invented(db, 2, seed=4)
    before = analysis_summary(db)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes(x)")
    conn.commit()
    conn.close()
    cs = claimscope.open(db)
    for bad, message in ((junk, "not a readable SQLite database|integrity"), (other, "not a claimscope store"),
                         (tmp_path / "missing.db", "no backup file")):
        with pytest.raises(StoreError, match=message):
            cs.restore(bad, force=True)
    cs.close()
    assert analysis_summary(db) == before and store_problems(db) == []


def test_backup_while_another_process_writes_is_a_consistent_snapshot(tmp_path):
    db = tmp_path / "busy.db"
    _ingest_invented(db, 2, seed=5)
    data = tmp_path / "more.jsonl"
    from reliability_support import write_jsonl

    write_jsonl(data, invented_articles(60, seed=6))
    writer = subprocess.Popen(cli("--db", str(db), "ingest", str(data)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    snapshots = []
    try:
        cs = claimscope.open(db)
        for n in range(4):
            out = tmp_path / f"snap{n}.db"
            cs.backup(out)
            snapshots.append(out)
        cs.close()
    finally:
        writer.wait(600)
    for snap in snapshots:
        assert store_problems(snap) == []
    assert writer.returncode == 0


def test_backup_and_restore_commands(tmp_path):
    from conftest import run_cli

    db = tmp_path / "cli.db"
    _ingest_invented(db, 2, seed=8)
    out = tmp_path / "cli-backup.db"
    first = run_cli("backup", str(out), db=db)
    assert first.returncode == 0 and b"2 articles" in first.stdout, first.stderr
    again = run_cli("backup", str(out), db=db)
    assert again.returncode == 1 and b"--force" in again.stderr
    restored = run_cli("restore", str(out), db=tmp_path / "new.db")
    assert restored.returncode == 0 and b"articles: 2" in restored.stdout, restored.stderr
    refused = run_cli("restore", str(out), db=tmp_path / "new.db")
    assert refused.returncode == 1 and b"--force" in refused.stderr
    assert run_cli("restore", str(out), "--force", db=tmp_path / "new.db").returncode == 0
    assert b"online backup" in run_cli("backup", "--help").stdout
