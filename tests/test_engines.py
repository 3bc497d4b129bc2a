"""Parallel engines (worker processes, Ray) leave the store exactly as a serial run does."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import claimscope
from claimscope import engines
from claimscope.demo import ingest_demo
from claimscope.engines.common import WorkerStoreView
from conftest import run_cli

ANALYSIS_TABLES = ("analysis_runs", "spans", "claims", "incident_mentions", "casualty_figures", "technique_spans",
                   "links", "claim_vectors")
LINKING_TABLES = ("incidents", "narratives")
LIMIT = 5  # demo articles per run: enough for several claims, incidents and techniques each


def dump(db: Path, tables=ANALYSIS_TABLES) -> dict[str, list[tuple]]:
    """Every row of ``tables`` in storage order, minus the wall-clock timestamps."""
    conn = sqlite3.connect(db)
    out = {}
    for table in tables:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        keep = [i for i, d in enumerate(cursor.description) if not d[0].endswith("_at")]
        out[table] = [tuple(row[i] for i in keep) for row in cursor]
    conn.close()
    return out


def demo_store(path: Path) -> Path:
    cs = claimscope.open(path)
    ingest_demo(cs.store)
    cs.close()
    return path


@pytest.fixture(scope="module")
def serial_db(tmp_path_factory) -> Path:
    """The reference: the first LIMIT demo articles analysed by the serial engine."""
    db = demo_store(tmp_path_factory.mktemp("serial") / "serial.db")
    cs = claimscope.open(db)
    report = engines.run(cs.store, engine="serial", limit=LIMIT, batch_size=2)
    cs.close()
    assert report.articles == LIMIT and not report.failures
    return db


def test_process_engine_matches_serial(serial_db, tmp_path):
    db = demo_store(tmp_path / "process.db")
    cs = claimscope.open(db)
    seen = []
    report = engines.run(cs.store, engine="process", workers=2, limit=LIMIT, batch_size=2, on_plan=seen.append)
    cs.close()
    assert seen == [LIMIT]
    assert report.engine == "process" and report.articles == LIMIT and not report.failures
    assert len(report.worker_peak_rss_mb) >= 1  # every batch came back from a worker process
    expected, got = dump(serial_db), dump(db)
    assert sum(len(rows) for rows in expected.values()) > 0
    # the same batches as the serial run, spread over two workers
    assert got == expected


def test_process_engine_rerun_reads_stored_upstream_rows(serial_db, tmp_path):
    """Re-running only stance makes workers read the stored claims and incident mentions."""
    serial_copy, process_copy = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copy(serial_db, serial_copy)
    shutil.copy(serial_db, process_copy)
    for db, engine in ((serial_copy, "serial"), (process_copy, "process")):
        cs = claimscope.open(db)
        report = engines.run(cs.store, engine=engine, names=["stance"], rerun=True, workers=2)
        cs.close()
        # stance again on every article; the LIMIT analysed ones read their stored claims and mentions,
        # the others get their pending upstream analyzers first
        assert report.analyzed["stance"] == report.articles > LIMIT and report.analyzed["claims"] == report.articles - LIMIT
    stance_links = [r for r in dump(process_copy)["links"] if "stance" in r]
    assert stance_links, "the demo articles should yield stance links"
    assert dump(process_copy) == dump(serial_copy)


@pytest.mark.slow
def test_cli_workers_matches_serial_cli(tmp_path):
    """`claimscope analyze --workers 2` (then linking) stores what the serial command stores."""
    serial, parallel = demo_store(tmp_path / "s.db"), demo_store(tmp_path / "p.db")
    done = run_cli("analyze", "--limit", str(LIMIT), db=serial)
    assert done.returncode == 0, done.stderr.decode()
    done = run_cli("analyze", "--limit", str(LIMIT), "--workers", "2", db=parallel)
    assert done.returncode == 0, done.stderr.decode()
    assert b"process engine, 2 workers" in done.stdout
    tables = ANALYSIS_TABLES + LINKING_TABLES
    assert dump(parallel, tables) == dump(serial, tables)


def test_cli_address_needs_ray_engine(tmp_path):
    done = run_cli("analyze", "--address", "auto", db=tmp_path / "x.db")
    assert done.returncode == 2
    assert b"--address needs --engine ray" in done.stderr


def test_worker_store_view_is_read_only(tmp_path):
    db = demo_store(tmp_path / "v.db")
    view = WorkerStoreView({"analysis.focus_countries": ["Kestria"]}, str(db))
    assert view.get_setting("analysis.focus_countries") == ["Kestria"]
    assert view.get_setting("gazetteer.layers", "absent") == "absent"  # snapshotted key the store lacks
    assert view.has_article("no-such-id") is False  # other reads go to the store
    with pytest.raises(RuntimeError, match="must not write"):
        view.set_setting("x", 1)
    view.close()
    unreachable = WorkerStoreView({}, str(tmp_path / "elsewhere" / "missing.db"))
    with pytest.raises(RuntimeError, match="cannot reach"):
        unreachable.claims(article_id="x")


def test_unknown_engine_and_analyzer_are_refused(tmp_path):
    cs = claimscope.open(tmp_path / "e.db")
    with pytest.raises(ValueError, match="unknown engine"):
        engines.run(cs.store, engine="threads")
    with pytest.raises(ValueError, match="unknown analyzer"):
        engines.run(cs.store, engine="process", names=["nope"])
    cs.close()


@pytest.mark.slow
def test_ray_engine_matches_serial(serial_db, tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'claimscope[ray]'")
    db = demo_store(tmp_path / "ray.db")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        cs = claimscope.open(db)
        report = engines.run(cs.store, engine="ray", limit=LIMIT, batch_size=2)
        cs.close()
    finally:
        ray.shutdown()
    assert report.engine == "ray" and report.workers == 2 and report.articles == LIMIT and not report.failures
    assert dump(db) == dump(serial_db)
