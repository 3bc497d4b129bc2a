"""Claims: attribution, speaker resolution, claim type and polarity on seeds, demo and invented text."""

from __future__ import annotations

import pytest

from claimscope import demo
from claimscope.claims.rules import extract_attributions, quote_regions
from claimscope.claims.types import classify
from claimscope.evaluation.demo_claims import evaluate
from claimscope.pipeline import Pipeline
from claimscope.pipeline.nlp import load
from conftest import SEEDS, needs_seeds


def _claims(cs, text, **meta):
    report = cs.ingest_text(text, **meta)
    Pipeline(names=["claims"]).run(cs.store)
    return cs.claims(article_id=(report.added or report.existing)[0])


def _find(claims, fragment):
    hits = [c for c in claims if fragment in c["text"]]
    assert hits, f"no claim containing {fragment!r} among {[c['text'][:60] for c in claims]}"
    return hits[0]


INVENTED = """Ministry denies gas attack in Port Calder

The Veskarian Interior Ministry on Tuesday categorically denied that its helicopters had dropped chlorine on the Lowmarket quarter, calling the reports baseless fabrications.

"These are lies spread by the so-called rescuers and their foreign sponsors," the ministry said.

It added that Veskaria was ready to cooperate with the Joint Verification Mission.

According to reports, at least 14 people were killed.

Calder Medical Relief accused government forces of using chlorine against civilians. The group urged the Security Council to act.

Envoy Mara Lindqvist estimates that over 2,000 people have fled the city. She warned that the fighting would spread."""


def test_invented_article_end_to_end(cs):
    claims = _claims(cs, INVENTED, published_at="2021-05-06")
    denial = _find(claims, "helicopters had dropped chlorine")
    assert (denial["claim_type"], denial["polarity"]) == ("denial", "negates")
    assert "Interior Ministry" in denial["speaker"] and denial["speaker_kind"] == "government"
    quote = _find(claims, "These are lies")
    assert quote["quote_type"] == "direct" and "Interior Ministry" in quote["speaker"]
    assert quote["attrs"]["speaker_mention"] == "the ministry"
    commit = _find(claims, "ready to cooperate")
    assert commit["claim_type"] == "commitment" and "Interior Ministry" in commit["speaker"]  # "It added"
    relayed = _find(claims, "at least 14 people were killed")
    assert relayed["speaker"] is None and relayed["source_kind"] == "anonymous"
    accusation = _find(claims, "government forces of using chlorine")
    assert accusation["claim_type"] == "allegation" and accusation["speaker_kind"] == "ngo"
    call = _find(claims, "the Security Council to act")
    assert call["claim_type"] == "call" and call["speaker"] == "Calder Medical Relief"  # "The group"
    estimate = _find(claims, "over 2,000 people have fled")
    assert estimate["claim_type"] == "estimate" and "Mara Lindqvist" in estimate["speaker"]
    warning = _find(claims, "the fighting would spread")
    assert warning["claim_type"] == "warning" and "Mara Lindqvist" in warning["speaker"]  # "She"
    for claim in claims:  # every claim points at its own words
        article = cs.article(claim["article_id"])
        assert article.text[claim["content_start"]:claim["content_end"]] == claim["text"]


def test_quote_regions_and_multi_sentence_quotes():
    text = 'He said: “One. Two.” Then «three» and "four".'
    assert [text[a:b] for a, b in quote_regions(text)] == ["“One. Two.”", "«three»", '"four"']
    doc = load()('“The first sentence. The second one, too,” the spokesman said.')
    [att] = extract_attributions(doc)
    assert att.quote_type == "direct" and att.content == (0, 42)


@pytest.mark.parametrize("cue, content, kind, expected", [
    ("deny", "having been responsible for the attack", "government", ("denial", "negates")),
    ("say", "the army has not used any banned weapon", "armed_forces", ("denial", "negates")),
    ("say", "the reports are baseless lies", "government", ("denial", "negates")),
    ("blame", "terrorist groups and their sponsors for the attack", "government", ("counter_accusation", "affirms")),
    ("say", "the attack was staged by the militants and their foreign sponsors", "government", ("counter_accusation", "affirms")),
    ("urge", "the council to act", "ngo", ("call", "affirms")),
    ("say", "it is ready to cooperate with the inspectors", "government", ("commitment", "affirms")),
    ("warn", "the terrorists are preparing a fake chemical attack", "government", ("warning", "affirms")),
    ("estimate", "over 400,000 people have been killed", "international_body", ("estimate", "affirms")),
    ("say", "government helicopters dropped barrels of chlorine on the district", "ngo", ("allegation", "affirms")),
    ("say", "the convoy reached the town on Friday", "ngo", ("assertion", "affirms")),
])
def test_claim_types(cue, content, kind, expected):
    claim_type, polarity, _ = classify(cue, content, kind)
    assert (claim_type, polarity) == expected


def test_hedges():
    assert classify("say", "the so-called rescuers staged the scene", "government")[2]
    assert classify("say", "the alleged attack may have involved chlorine", "ngo")[2]
    assert not classify("say", "the convoy reached the town on Friday", "ngo")[2]


# -- the seeds (../shared/seeds) ----------------------------------------------------------

def _seed(cs, prefix: str, published: str | None):
    path = next(SEEDS.glob(prefix + "*.txt"))
    report = cs.ingest(path)
    article_id = (report.added or report.existing)[0]
    Pipeline(names=["claims"]).run(cs.store)
    return cs.claims(article_id=article_id)


@needs_seeds
def test_seed_aleppo_six_claims(cs):
    claims = _seed(cs, "000_", "2016-09-08")
    denial = _find(claims, "allegations that government forces used poisonous gas")
    assert (denial["claim_type"], denial["polarity"]) == ("denial", "negates")
    assert denial["speaker"] == "Syria" and denial["speaker_kind"] == "government"
    blame = _find(claims, "terrorist groups and their sponsors")
    assert blame["claim_type"] == "counter_accusation" and blame["speaker"] == "Syrian Foreign Ministry"
    quote = _find(claims, "Persian Gulf patrons")
    assert quote["claim_type"] == "assertion" and quote["quote_type"] == "direct"
    assert quote["speaker"] == "Syrian Foreign Ministry" and quote["attrs"]["speaker_mention"] == "the statement"
    cooperate = [c for c in claims if "ready to" in c["text"]]
    assert cooperate and all(c["claim_type"] == "commitment" for c in cooperate)
    assert {c["speaker"] for c in cooperate} <= {"Syria", "Syrian Foreign Ministry"}
    relayed = _find(claims, "contained sarin")
    assert relayed["claim_type"] == "allegation" and relayed["speaker"] is None and relayed["source_kind"] == "anonymous"
    estimate = _find(claims, "400,000 people")
    assert estimate["claim_type"] == "estimate" and "Staffan de Mistura" in estimate["speaker"]
    assert estimate["speaker_kind"] == "international_body"
    ghouta = _find(claims, "having been responsible for the Ghouta attack")
    assert (ghouta["claim_type"], ghouta["polarity"]) == ("denial", "negates")


@needs_seeds
def test_seed_fake_attacks_warning_letters_and_white_helmets(cs):
    claims = _seed(cs, "004_", None)
    ministry = "Ministry of Foreign Affairs and Expatriates"
    letters = [c for c in claims if "letters" in (c["attrs"].get("medium") or "")]
    assert letters and letters[0]["speaker"] == ministry
    warning = [c for c in claims if "fake chemical attack" in c["text"] and c["claim_type"] == "warning"]
    assert warning and any(c["speaker"] == ministry for c in warning)
    helmets = [c for c in claims if "White Helmets" in c["text"]
               and c["claim_type"] in ("counter_accusation", "allegation")]
    assert helmets and all(c["speaker"] == ministry for c in helmets)


# -- the demo corpus -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    import claimscope

    cs = claimscope.open(tmp_path_factory.mktemp("demo") / "demo.db")
    demo.ingest_demo(cs.store)
    Pipeline(names=["claims"]).run(cs.store)
    yield cs
    cs.close()


def test_demo_claims_against_truth(demo_store):
    report = evaluate(demo_store.store)
    metrics = report.as_metrics()
    # floors guard against regressions; bench/claims_demo.py records the current figures
    assert metrics["recall"] >= 0.88, report.misses[:5]
    assert metrics["polarity_acc"] >= 0.88
    assert metrics["speaker_acc"] >= 0.78
    assert metrics["type_acc"] >= 0.58


def test_demo_coreference_and_metonymy(demo_store):
    by_file = {a.metadata["demo_file"]: a for a in demo_store.articles(limit=None)}
    claims = demo_store.claims(article_id=by_file["04_ksna_ministry_denies_harsun.txt"].id)
    statement = [c for c in claims if c["attrs"].get("speaker_mention") == "the statement"]
    assert statement and all(c["speaker"] == "Ministry of Foreign Affairs" for c in statement)
    capital = [c for c in claims if c["attrs"].get("speaker_mention") == "Qadmira"]
    assert capital and all(c["speaker_kind"] == "government" for c in capital)
    assert any(c["claim_type"] == "commitment" and "ready to cooperate" in c["text"] for c in claims)
    dravonian = demo_store.claims(article_id=by_file["06_dravonia_harsoun_staged.txt"].id)
    assert any(c["speaker_kind"] == "foreign_state" and c["claim_type"] == "counter_accusation" for c in dravonian)


def test_capitalised_generic_mention_resolves_to_the_full_name(cs):
    text = ("Velmar bridge reopened\n\nThe Kestrian Ministry of Transport said on Monday that the Velmar bridge "
            "had reopened to traffic after repairs. The Ministry added that lorries would be allowed from Friday.")
    claims = _claims(cs, text, published_at="2021-05-06")
    added = _find(claims, "lorries would be allowed")
    assert added["attrs"]["speaker_mention"] == "The Ministry"
    assert added["speaker"] == "Kestrian Ministry of Transport"
