"""End-to-end: the real CLI in a subprocess."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import run_cli
from invented import ARTICLE_A, ARTICLE_B, HTML_PAGE

pytestmark = pytest.mark.slow

COMMANDS = ["ingest", "analyze", "articles", "show", "search", "export", "demo", "info"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere_with_examples(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "--db" in out
    if command != "info":
        assert "Examples:" in out


def test_ingest_mixed_inputs_exit_status_and_summary(tmp_path):
    db = tmp_path / "cli.db"
    (tmp_path / "a.txt").write_text(ARTICLE_A)
    (tmp_path / "page.html").write_text(HTML_PAGE)
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = run_cli("ingest", str(tmp_path / "a.txt"), str(tmp_path / "page.html"), str(tmp_path / "bad.txt"), db=db)
    assert result.returncode == 1
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "2 added" in out and "1 failed" in out
    assert f"{tmp_path / 'bad.txt'}: looks like a PNG image" in err
    assert str(db) in out
    again = run_cli("ingest", str(tmp_path / "a.txt"), db=db)
    assert again.returncode == 0 and "0 added, 1 already stored" in again.stdout.decode()


def test_stdin_ingest_with_outlet(tmp_path):
    db = tmp_path / "cli.db"
    result = run_cli("ingest", "-", "--outlet", "Drennick Post", db=db, input=ARTICLE_B.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    listed = run_cli("articles", "--json", db=db)
    row = json.loads(listed.stdout.decode().splitlines()[0])
    assert row["outlet"] == "Drennick Post" and row["title"] == "Shelling hits market in Drennick"
    assert row["source_ref"] == "stdin"


def test_db_option_after_subcommand_and_env(tmp_path):
    db = tmp_path / "env.db"
    (tmp_path / "a.txt").write_text(ARTICLE_A)
    assert run_cli("ingest", str(tmp_path / "a.txt"), "--db", str(db)).returncode == 0
    listed = run_cli("articles", env={"CLAIMSCOPE_DB": str(db)})
    assert "Ministry rejects claims" in listed.stdout.decode()


def test_demo_then_query_commands(tmp_path):
    db = tmp_path / "demo.db"
    report = tmp_path / "report.html"
    result = run_cli("demo", "--report", str(report), db=db)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    for word in ("articles:", "outlets:", "claims:", "incidents:", "techniques:", str(db), str(report)):
        assert word in out
    assert report.exists() and "Content-Security-Policy" in report.read_text()

    listed = run_cli("articles", "--outlet", "ksna.example", "--since", "2022", db=db).stdout.decode()
    assert len(listed.strip().splitlines()) == 2  # KSNA published two demo articles in 2022
    hits = run_cli("search", "chlorine", "--json", db=db).stdout.decode().splitlines()
    assert len(hits) >= 5
    article_id = json.loads(hits[0])["article_id"]
    shown = run_cli("show", article_id[:10], "--spans", "sentence", db=db)
    assert shown.returncode == 0 and "sentence" in shown.stdout.decode()
    missing = run_cli("show", "ffffffffff", db=db)
    assert missing.returncode != 0 and "no article" in missing.stderr.decode()

    rerun = run_cli("demo", "--report", str(report), db=db)
    assert "0 added, 16 already stored" in rerun.stdout.decode()
    assert "nothing to do" in rerun.stdout.decode()

    jsonl = run_cli("export", "--format", "jsonl", db=db).stdout.decode().splitlines()
    types = {json.loads(line)["type"] for line in jsonl}
    assert {"articles", "outlets", "spans", "sightings"} <= types
    folder = tmp_path / "csv"
    assert run_cli("export", "--format", "csv", "--out", str(folder), db=db).returncode == 0
    rows = list(csv.DictReader(io.StringIO((folder / "articles.csv").read_text())))
    assert len(rows) == 16 and "duplicate_of" in rows[0]
    assert (folder / "claims.csv").read_text().startswith("id,article_id")  # header even when empty
    bad = run_cli("export", "--table", "nope", db=db)
    assert bad.returncode == 2 and "unknown table" in bad.stderr.decode()


def test_analyze_list_and_unknown(tmp_path):
    listed = run_cli("analyze", "--list", db=tmp_path / "x.db")
    assert "sentences" in listed.stdout.decode() and "language" in listed.stdout.decode()
    bad = run_cli("analyze", "--only", "nonexistent", db=tmp_path / "x.db")
    assert bad.returncode == 2 and "unknown analyzer" in bad.stderr.decode()
