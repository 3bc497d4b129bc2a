"""End to end on the bundled demo corpus (its ground truth is written in demo/truth.json) and
on the seed articles (read from ../shared, skipped when absent)."""

from __future__ import annotations

import json
import logging

import pytest

from claimscope.demo import truth
from claimscope.linking.evaluation import align_demo_mentions, demo_articles, demo_incident_scores
from tests.conftest import SEEDS, needs_seeds, run_cli

pytestmark = pytest.mark.skipif(
    not __import__("importlib").util.find_spec("claimscope.analyzers.incidents"),
    reason="the incidents analyzer (claimscope/analyzers/incidents.py) is not installed yet")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    import claimscope
    from claimscope.demo import ingest_demo

    logging.getLogger("claimscope.linking").setLevel(logging.ERROR)
    cs = claimscope.open(tmp_path_factory.mktemp("linkdemo") / "demo.db")
    ingest_demo(cs.store)
    cs.analyze()
    cs.link()
    yield cs
    cs.close()


def _incident_of(cs, demo_file: str, truth_id: str) -> int | None:
    _, predicted = align_demo_mentions(cs.store, truth())
    return predicted.get((demo_file, truth_id))


def test_demo_incidents_cluster_as_written(demo_store):
    scores = demo_incident_scores(demo_store.store, truth())
    # every (article, incident) item of the truth is found and clustered as written
    assert (scores["precision"], scores["recall"], scores["aligned"]) == (1.0, 1.0, scores["items"]), scores
    # every main mention of an incident lands in that incident
    for inc in truth()["incidents"]:
        mains = [m["article"] for m in inc["mentions"] if m["role"] == "main"]
        if not mains:
            continue
        found = {_incident_of(demo_store, a, inc["id"]) for a in mains}
        assert len(found) == 1 and None not in found, (inc["id"], found)
    tarrafiyya = _incident_of(demo_store, "01_krm_tarrafiyya_chlorine.txt", "tarrafiyya-chlorine-2019")
    saqrun = _incident_of(demo_store, "10_krm_saqrun_market.txt", "saqrun-market-2022")
    marwaziyya = _incident_of(demo_store, "05_kestria_today_gas_show.txt", "marwaziyya-offensive-2019")
    assert len({tarrafiyya, saqrun, marwaziyya}) == 3
    record = demo_store.store.incident(tarrafiyya)
    assert record["event_type"] == "chemical_weapon" and record["agent"] == "chlorine"
    assert record["date_start"] == "2019-11-12" and record["evidence"]


def test_syndicated_copy_is_not_an_independent_source(demo_store):
    tarrafiyya = _incident_of(demo_store, "01_krm_tarrafiyya_chlorine.txt", "tarrafiyya-chlorine-2019")
    dossier = demo_store.incident(tarrafiyya)
    articles = demo_articles(demo_store.store)
    copy_id = articles["03_ledger_harsun_chlorine_copy.txt"].id
    sources = dossier["sources"]
    assert [c["article_id"] for c in sources["copies"]] == [copy_id]
    assert all(copy_id not in g["articles"] for g in sources["groups"])
    # KSNA and Kestria Today share an owner: one source
    state = [g for g in sources["groups"] if g["owner"] == "Kestrian Radio and Television Corporation"]
    assert len(state) == 1 and set(state[0]["outlets"]) >= {"Kestrian State News Agency", "Kestria Today"}
    assert sources["count"] < sources["articles"] - 1
    # the dossier quotes its evidence
    assert dossier["positions"]["alleged"] and dossier["positions"]["denied"]
    entry = dossier["positions"]["denied"][0]
    text = demo_store.article(entry["evidence"]["article_id"]).text
    assert text[entry["evidence"]["start"]:entry["evidence"]["end"]] == entry["evidence"]["quote"]
    assert dossier["casualties"]["killed"]["spread"]["high"] > dossier["casualties"]["killed"]["spread"]["low"]


def test_disagreeing_casualty_figures_are_contradictions(demo_store):
    articles = {name: a.id for name, a in demo_articles(demo_store.store).items()}
    found = demo_store.contradictions(kind="casualty")
    for expected in [c for c in truth()["contradictions"] if c["kind"] == "casualty"]:
        a, b = articles[expected["a"]["article"]], articles[expected["b"]["article"]]
        hit = False
        for c in found:
            side_a = {m["article_id"] for m in c["a_members"]}
            side_b = {m["article_id"] for m in c["b_members"]}
            hit |= (a in side_a and b in side_b) or (a in side_b and b in side_a)
        assert hit, expected
    c = found[0]
    for side in ("a", "b"):  # both spans are quoted from their articles
        span = c[side]
        assert demo_store.article(span["article_id"]).text[span["start"]:span["end"]] == span["quote"]


def test_negating_claims_are_contradictions(demo_store):
    articles = {name: a.id for name, a in demo_articles(demo_store.store).items()}
    found = demo_store.contradictions(kind="claim")
    pairs = {frozenset((c["a"]["article_id"], c["b"]["article_id"])) for c in found}
    expected = [c for c in truth()["contradictions"] if c["kind"] == "claim"]
    hits = sum(frozenset((articles[c["a"]["article"]], articles[c["b"]["article"]])) in pairs for c in expected)
    assert hits >= len(expected) - 1, (hits, len(expected))


def test_manual_merge_and_split_survive_relinking_and_reanalysis(demo_store):
    cs = demo_store
    tarrafiyya = _incident_of(cs, "01_krm_tarrafiyya_chlorine.txt", "tarrafiyya-chlorine-2019")
    marwaziyya = _incident_of(cs, "05_kestria_today_gas_show.txt", "marwaziyya-offensive-2019")
    cs.merge_incidents(tarrafiyya, marwaziyya, author="test")
    assert cs.store.incident(marwaziyya) is None and cs.store.incident(tarrafiyya)["locked"]
    mention = cs.store.mentions_of_incident(tarrafiyya)[-1]["id"]
    cs.split_incident(tarrafiyya, [mention])
    after_split = {m["id"] for m in cs.store.mentions_of_incident(tarrafiyya)}
    assert mention not in after_split
    # re-link and re-analyse the incidents: mention rows are recreated, the edits still hold
    cs.link(force=True)
    cs.store.conn.execute("DELETE FROM analysis_runs WHERE analyzer = 'incidents'")
    cs.analyze(["incidents"])
    report = cs.link()
    assert not report.skipped and not report.warnings
    incident = cs.store.incident(tarrafiyya)
    assert incident["locked"]
    members = cs.store.mentions_of_incident(tarrafiyya)
    assert len(members) == len(after_split)
    assert any(m["event_type"] in ("armed_clash", "government_regains_territory") for m in members)
    assert cs.link().skipped  # nothing changed: the stage does no work
    # undo for the other tests in this module
    cs.store.conn.execute("DELETE FROM manual_edits")
    cs.link(force=True)


def test_cli_incident_narratives_contradictions(demo_store):
    db = demo_store.store.path
    tarrafiyya = _incident_of(demo_store, "01_krm_tarrafiyya_chlorine.txt", "tarrafiyya-chlorine-2019")
    shown = run_cli("incident", str(tarrafiyya), db=db)
    assert shown.returncode == 0, shown.stderr.decode()
    out = shown.stdout.decode()
    assert "Alleged by" in out and "Denied by" in out and "independent sources" in out
    as_json = run_cli("incident", str(tarrafiyya), "--json", db=db)
    assert json.loads(as_json.stdout)["incident"]["id"] == tarrafiyya
    narratives = run_cli("narratives", "--json", db=db)
    assert narratives.returncode == 0 and narratives.stdout.strip()
    contradictions = run_cli("contradictions", "--kind", "casualty", db=db)
    assert contradictions.returncode == 0 and b"[casualty]" in contradictions.stdout
    missing = run_cli("incident", "99999", db=db)
    assert missing.returncode != 0 and b"no incident 99999" in missing.stderr


@needs_seeds
def test_seeds_share_a_narrative(tmp_path):
    import claimscope
    from claimscope.model import LinkKind

    with claimscope.open(tmp_path / "seeds.db") as cs:
        report = cs.ingest(sorted(SEEDS.glob("*.txt")))
        assert report.failed == 0
        cs.analyze()
        cs.link()
        ids = [a.id for a in cs.articles(limit=None)]
        assert len(ids) == 2
        member_of = {int(lk["from_id"]): lk["to_id"] for lk in cs.store.links(kind=str(LinkKind.NARRATIVE_MEMBER))}
        claims = cs.store.claims_by_id(list(member_of))
        shared = [n for n in {member_of[c] for c in claims}
                  if {claims[c]["article_id"] for c in claims if member_of[c] == n} == set(ids)]
        assert shared, "no narrative spans both seed articles"
        # the narrative holds a fabrication claim from each seed
        fabrication = ("fabricat", "fake", "false-flag", "undermine")
        for article_id in ids:
            texts = [claims[c]["text"].lower() for c in claims
                     if member_of[c] in shared and claims[c]["article_id"] == article_id]
            assert any(word in t for t in texts for word in fabrication), texts
