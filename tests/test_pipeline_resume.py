"""The pipeline runs only what is outdated, and interrupted work resumes without loss."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from claimscope.model import AnalysisResult, Span
from claimscope.pipeline import AnalysisDoc, Analyzer, Pipeline
from claimscope.ingest import Ingestor
from invented import ARTICLE_A, ARTICLE_B, ARTICLE_C


class Counter(Analyzer):
    name = "counter"
    version = "1"
    calls: list[str] = []

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        self.calls.append(doc.article.id)
        return AnalysisResult(spans=[Span(doc.article.id, 0, 3, "first-word")])


class Downstream(Analyzer):
    name = "downstream"
    version = "1"
    requires = ("counter",)
    calls: list[str] = []

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        self.calls.append(doc.article.id)
        upstream = doc.output("counter")
        return AnalysisResult(spans=[Span(doc.article.id, 0, 3, f"seen-{len(upstream.spans) if upstream else 'stored'}")])


class Fragile(Analyzer):
    name = "fragile"
    version = "1"

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        if "Drennick" in doc.text:
            raise ValueError("cannot cope with Drennick")
        return AnalysisResult()


def _ingest_three(cs):
    for text in (ARTICLE_A, ARTICLE_B, ARTICLE_C):
        cs.ingest_text(text)


def test_runs_only_new_or_outdated_work(cs):
    _ingest_three(cs)
    Counter.calls, Downstream.calls = [], []
    pipeline = Pipeline([Counter(), Downstream()])
    report = pipeline.run(cs.store)
    assert report.analyzed == {"counter": 3, "downstream": 3}
    assert pipeline.run(cs.store).analyzed == {}
    # a new article: only it is analysed
    cs.ingest_text("A brand new invented story about the Ostrava Hills and a second convoy of aid.")
    assert pipeline.run(cs.store).analyzed == {"counter": 1, "downstream": 1}
    # a new version of the upstream analyzer re-runs it and everything downstream of it
    class CounterV2(Counter):
        version = "2"
    Downstream.calls = []
    report = Pipeline([CounterV2(), Downstream()]).run(cs.store)
    assert report.analyzed == {"counter": 4, "downstream": 4}
    # a new version of the downstream one only re-runs that one
    class DownstreamV2(Downstream):
        version = "2"
    report = Pipeline([CounterV2(), DownstreamV2()]).run(cs.store)
    assert report.analyzed == {"downstream": 4}
    labels = {s["label"] for s in cs.store.spans(cs.articles()[0].id)}
    assert labels == {"first-word", "seen-stored"}  # upstream output kept, not recomputed


def test_limit_then_resume(cs):
    _ingest_three(cs)
    pipeline = Pipeline([Counter()])
    assert pipeline.run(cs.store, limit=2).analyzed == {"counter": 2}
    assert pipeline.run(cs.store).analyzed == {"counter": 1}


def test_failing_analyzer_is_reported_and_retried_later(cs):
    _ingest_three(cs)
    pipeline = Pipeline([Fragile(), Counter()])
    report = pipeline.run(cs.store)
    assert len(report.failures) == 1 and "Drennick" in report.failures[0][2]
    assert report.analyzed == {"fragile": 2, "counter": 3}
    again = pipeline.run(cs.store)
    assert len(again.failures) == 1 and again.analyzed == {}


def test_crash_midway_through_ingest_then_rerun(cs, tmp_path, monkeypatch):
    texts = [f"Invented report number {i} about the convoy and the market in Drennick, told plainly." for i in range(10)]
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"{i:02d}.txt").write_text(text)
    original = type(cs.store).add_article
    calls = {"n": 0}

    def crashing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt("simulated crash")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(cs.store), "add_article", crashing)
    with pytest.raises(KeyboardInterrupt):
        Ingestor(cs.store).ingest([folder])
    monkeypatch.setattr(type(cs.store), "add_article", original)
    assert cs.stats()["articles"] == 5
    report = Ingestor(cs.store).ingest([folder])
    assert len(report.added) == 5 and len(report.existing) == 5
    assert cs.stats()["articles"] == 10


def _big_csv(path, rows=4000):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text"])
        for i in range(rows):
            writer.writerow([f"Report {i}", f"Invented dispatch {i}: shelling reported near the {i % 17}th district "
                                            f"of Drennick, with {i % 9} casualties according to local medics, number {i * 7919 % 10007}."])


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_consistent_db_and_rerun_completes(tmp_path):
    data = tmp_path / "big.csv"
    _big_csv(data)
    db = tmp_path / "kill.db"
    command = [sys.executable, "-m", "claimscope.cli", "--db", str(db), "ingest", str(data)]
    for delay in (1.5, 2.5):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # every stored article is whole: its sighting and its full-text entry exist
        orphans = conn.execute("""SELECT count(*) FROM articles a WHERE NOT EXISTS
                                  (SELECT 1 FROM sightings s WHERE s.article_id = a.id)""").fetchone()[0]
        assert orphans == 0
        fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert fts == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
    done = subprocess.run(command, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 4000
    conn.close()
