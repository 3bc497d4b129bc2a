"""The demo corpus is well formed and ingests as written; real data (seeds, FA-KES) ingests."""

from __future__ import annotations

from claimscope import demo
from claimscope.model import article_id_for
from conftest import SEEDS, SHARED_DATA, needs_seeds, needs_shared

KINDS = {"state_media", "wire", "ngo", "independent", "official_body", "unknown"}


def test_demo_manifest_is_rich_enough():
    data = demo.manifest()
    assert len(data["articles"]) >= 12
    assert len({o["kind"] for o in data["outlets"]}) >= 5
    assert {o["kind"] for o in data["outlets"]} <= KINDS
    truth = demo.truth()
    multi = [i for i in truth["incidents"] if len({m["article"] for m in i["mentions"]}) >= 3]
    assert len(multi) >= 2
    for item in truth["techniques"] + truth["claims"]:
        text = _body(item["article"])
        phrase = item.get("phrase") or item.get("content_excerpt")
        assert phrase in text, (item["article"], phrase)


def _body(file: str) -> str:
    for draft in demo.drafts():
        if draft.metadata["demo_file"] == file:
            return draft.text
    raise KeyError(file)


def test_demo_syndicated_copy_is_marked_near_duplicate(cs):
    report = demo.ingest_demo(cs.store)
    assert report.failed == 0 and len(report.added) == len(demo.manifest()["articles"])
    by_file = {a.metadata["demo_file"]: a for a in cs.articles(limit=None)}
    for pair in demo.truth()["duplicates"]:
        copy, original = by_file[pair["copy"]], by_file[pair["original"]]
        assert copy.duplicate_of == original.id
        assert 0.5 <= copy.duplicate_score < 1.0
    marked = [a for a in by_file.values() if a.duplicate_of]
    assert len(marked) == len(demo.truth()["duplicates"])  # nothing else is called a copy


def test_demo_outlets_and_dates(cs):
    demo.ingest_demo(cs.store)
    outlets = {o.name: o for o in cs.store.outlets()}
    assert len(outlets) == len(demo.manifest()["outlets"])
    owners = [o.owner for o in outlets.values() if o.owner]
    assert len(owners) != len(set(owners))  # two outlets share an owner
    assert all(a.published_precision == "day" for a in cs.articles(limit=None))


@needs_seeds
def test_seed_articles_ingest(cs):
    report = cs.ingest(SEEDS)
    assert report.failed == 0
    assert len(report.added) == 2
    for article_id in report.added:
        article = cs.article(article_id)
        assert article.language == "en" and article.word_count > 300
    assert cs.search("chlorine")


@needs_shared
def test_fakes_csv_ingests_with_one_command(tmp_path):
    from conftest import run_cli

    db = tmp_path / "fakes.db"
    path = SHARED_DATA / "fakes" / "fakes_enriched_train.csv"
    result = run_cli("ingest", str(path), "--text-col", "article_content", "--title-col", "article_title",
                     "--date-col", "date", "--outlet-col", "source", db=db)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    import csv

    with path.open(encoding="utf-8") as fh:
        texts = [row["article_content"] for row in csv.DictReader(fh)]
    distinct = len({article_id_for(t) for t in texts})
    out = result.stdout.decode()
    assert f"{distinct} added" in out and "0 failed" in out
    # the same file again changes nothing
    again = run_cli("ingest", str(path), db=db)
    assert f"0 added, {len(texts)} already stored" in again.stdout.decode()
