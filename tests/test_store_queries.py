"""The store's query methods behind the REST API and web UI (find_*, profiles, counts, links), on SQLite
and on PostgreSQL (``store_url``)."""

from __future__ import annotations

import pytest

from invented import ARTICLE_A, ARTICLE_B, ARTICLE_C

from claimscope.ingest import Ingestor
from claimscope.model import AnalysisResult, CasualtyFigure, Claim, IncidentMention, Link, LinkKind, TechniqueSpan
from claimscope.store import StoreError, open_store

INJECTIONS = [
    "' OR '1'='1",
    "x'); DROP TABLE articles; --",
    "\" OR 1=1 --",
    "%",
    "_",
    "\\",
    "1; DELETE FROM claims",
    "' UNION SELECT id, text FROM articles --",
    "*",
    "NEAR(",
]


def _offsets(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    ing = Ingestor(s)
    ids = {}
    for key, text, outlet, date in (("a", ARTICLE_A, "Veskaria Ledger", "2021-05-04"),
                                    ("b", ARTICLE_B, "Drennick Courier", "2021-06-10"),
                                    ("c", ARTICLE_C, "Veskaria Ledger", "2021-07-01")):
        report = ing.ingest_text(text, outlet=outlet, published_at=date)
        ids[key] = report.added[0]
    a = s.article(ids["a"])
    cs, ce = _offsets(a.text, "its helicopters dropped chlorine on the Lowmarket quarter of Port Calder")
    ss, se = _offsets(a.text, "The Interior Ministry of Veskaria")
    us, ue = _offsets(a.text, "rejected allegations")
    ts, te = _offsets(a.text, "baseless fabrications")
    ms, me = _offsets(a.text, "dropped chlorine")
    fs, fe = _offsets(a.text, "at least 14 people were killed")
    result = AnalysisResult(
        claims=[Claim(article_id=a.id, text=a.text[cs:ce], claim_type="denial", polarity="negates",
                      speaker="Interior Ministry of Veskaria", speaker_norm="interior ministry of veskaria",
                      source_start=ss, source_end=se, cue_start=us, cue_end=ue, content_start=cs, content_end=ce,
                      checkworthiness=0.9)],
        mentions=[IncidentMention(article_id=a.id, event_type="chemical_weapon", agent="chlorine", modality="denied",
                                  date_start="2021-05-03", date_end="2021-05-03", date_precision="day",
                                  place_name="Lowmarket", place_id="inv:lowmarket", admin1="Port Calder",
                                  latitude=10.5, longitude=20.5, killed_low=14, start=ms, end=me)],
        figures=[CasualtyFigure(article_id=a.id, kind="killed", low=14, qualifier="at least",
                                source="Calder Medical Relief", mention_id="@fixture/mentions/0", start=fs, end=fe)],
        techniques=[TechniqueSpan(article_id=a.id, start=ts, end=te, technique="Loaded_Language", confidence=0.8)],
        links=[Link(kind=LinkKind.TECHNIQUE_CLAIM, from_type="technique", from_id="@fixture/techniques/0",
                    to_type="claim", to_id="@fixture/claims/0", label="Loaded_Language"),
               Link(kind=LinkKind.CLAIM_INCIDENT, from_type="claim", from_id="@fixture/claims/0",
                    to_type="mention", to_id="@fixture/mentions/0")],
    )
    s.save_analysis(a.id, [("fixture", "1", result)])
    b = s.article(ids["b"])
    bs, be = _offsets(b.text, "killing nine civilians")
    s.save_analysis(b.id, [("fixture", "1", AnalysisResult(
        claims=[Claim(article_id=b.id, text=b.text[bs:be], claim_type="allegation", speaker="a local monitoring group",
                      content_start=bs, content_end=be)],
        mentions=[IncidentMention(article_id=b.id, event_type="shelling", place_name="Drennick",
                                  date_start="2021-06-06", start=bs, end=be)]))])
    s.ids = ids
    yield s
    s.close()


def test_find_articles_filters(store):
    ids = store.ids
    everything = store.find_articles()
    assert [r["id"] for r in everything] == [ids["c"], ids["b"], ids["a"]]  # newest first
    row = next(r for r in everything if r["id"] == ids["a"])
    assert (row["claims"], row["techniques"], row["incident_mentions"]) == (1, 1, 1)
    assert "text" not in row and row["outlet"] == "Veskaria Ledger"
    assert {r["id"] for r in store.find_articles(outlet="Veskaria Ledger")} == {ids["a"], ids["c"]}
    outlet_id = row["outlet_id"]
    assert {r["id"] for r in store.find_articles(outlet=str(outlet_id))} == {ids["a"], ids["c"]}
    assert [r["id"] for r in store.find_articles(since="2021-06-01", until="2021-06")] == [ids["b"]]
    assert [r["id"] for r in store.find_articles(claim_type="denial")] == [ids["a"]]
    assert [r["id"] for r in store.find_articles(technique="Loaded_Language")] == [ids["a"]]
    assert [r["id"] for r in store.find_articles(event_type="shelling")] == [ids["b"]]
    assert [r["id"] for r in store.find_articles(place="lowmarket")] == [ids["a"]]
    assert [r["id"] for r in store.find_articles(place="Port Calder")] == [ids["a"]]  # governorate
    assert [r["id"] for r in store.find_articles(limit=1, offset=1)] == [ids["b"]]


def test_find_claims_filters(store):
    assert len(store.find_claims()) == 2
    denial = store.find_claims(claim_type="denial")
    assert len(denial) == 1 and denial[0]["outlet"] == "Veskaria Ledger" and denial[0]["published_at"] == "2021-05-04"
    assert store.find_claims(speaker="MINISTRY")[0]["id"] == denial[0]["id"]
    assert store.find_claims(text="chlorine Lowmarket")[0]["id"] == denial[0]["id"]
    assert store.find_claims(text="chlorine Drennick") == []
    assert store.find_claims(technique="Loaded_Language")[0]["id"] == denial[0]["id"]
    assert store.find_claims(polarity="negates", min_checkworthiness=0.5)[0]["id"] == denial[0]["id"]
    assert len(store.find_claims(event_type="shelling")) == 1
    assert len(store.find_claims(outlet="Drennick Courier", since="2021-06-01")) == 1


def test_find_incident_mentions_and_links(store):
    mentions = store.find_incident_mentions()
    assert [m["event_type"] for m in mentions] == ["shelling", "chemical_weapon"]  # latest incident first
    chem = store.find_incident_mentions(event_type="chemical_weapon")[0]
    assert chem["outlet"] == "Veskaria Ledger" and chem["evidence"] == []
    assert store.find_incident_mentions(since="2021-05-03", until="2021-05-03")[0]["id"] == chem["id"]
    assert store.find_incident_mentions(until="2021-05")[0]["id"] == chem["id"]
    assert store.find_incident_mentions(place="Lowmarket", outlet="Veskaria Ledger")[0]["id"] == chem["id"]
    assert store.incident_mentions_by_id([chem["id"], 999999]).keys() == {chem["id"]}
    links = store.links_to("mention", [chem["id"]], kind="claim_incident")
    assert len(links) == 1 and links[0]["from_type"] == "claim"
    assert store.links_from("claim", [links[0]["from_id"]])[0]["to_id"] == str(chem["id"])
    assert {link["kind"] for link in store.links_for_article(store.ids["a"])} == {"technique_claim", "claim_incident"}
    figures = store.figures_for(mention_ids=[chem["id"]])
    assert len(figures) == 1 and figures[0]["low"] == 14
    assert store.figures_for(article_ids=[store.ids["c"]]) == []
    assert store.figures_for() == []


def test_outlet_profiles_and_technique_counts(store):
    denial = store.find_claims(claim_type="denial")[0]
    # a corpus-level stance link (no owning article), written as incident linking writes them
    store.save_linking(incidents=[], mention_incident={}, narratives=[], state={},
                       links=[Link(kind="stance", from_type="claim", from_id=denial["id"], to_type="incident",
                                   to_id=1, label="denied")])
    profiles = {p["outlet_id"]: p for p in store.outlet_profiles()}
    ledger = next(p for p in profiles.values() if p["articles"] == 2)
    assert ledger["claim_types"] == {"denial": 1} and ledger["technique_labels"] == {"Loaded_Language": 1}
    assert ledger["words"] > 0 and ledger["polarity"] == {"negates": 1} and ledger["stances"] == {"denied": 1}
    assert store.technique_counts() == {"Loaded_Language": {"spans": 1, "articles": 1, "claims": 1}}


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_strings_are_data_in_every_filter(store, evil):
    before = store.stats()
    # date bounds are compared as text, so anything but an ISO date prefix is refused outright
    for query in (store.find_articles, store.find_claims, store.find_incident_mentions):
        for name in ("since", "until"):
            with pytest.raises(StoreError, match=name):
                query(**{name: evil})
    text_filters = ("outlet", "language", "claim_type", "technique", "event_type", "place")
    for name in text_filters:
        assert store.find_articles(**{name: evil}) == [], name
    for name in ("article_id", "claim_type", "polarity", "source_kind", "speaker", "text", "outlet",
                 "technique", "event_type", "place"):
        rows = store.find_claims(**{name: evil})
        # '%', '_' and '\\' are escaped LIKE wildcards: a substring filter must not match everything
        assert rows == [], name
    for name in ("article_id", "event_type", "place", "outlet"):
        assert store.find_incident_mentions(**{name: evil}) == [], name
    assert store.links_to("mention", [evil]) == [] and store.links_from("claim", [evil]) == []
    assert store.links_for_article(evil) == []
    assert store.figures_for(article_ids=[evil]) == []
    store.search(evil)  # FTS input is quoted: never a syntax error
    assert store.stats() == before
