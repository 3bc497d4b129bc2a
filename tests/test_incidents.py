"""Incidents: dates, casualty figures, modality, places, the seeds and the demo corpus.

Every sentence below is invented for these tests (no real outlet, person or event); the seeds
are read from ../shared/seeds and skipped where absent.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from claimscope import demo
from claimscope.geo import Gazetteer, distance_km
from claimscope.incidents.acled import COLUMNS, acled_rows
from claimscope.incidents.casualties import find_figures, number
from claimscope.incidents.dates import dateline_date, find_dates, shift
from claimscope.incidents.taxonomy import EVENT_TYPES, acled_types, compatible, fakes_cause
from claimscope.pipeline import Pipeline
from conftest import SEEDS, needs_seeds

# ------------------------------------------------------------------------------------- dates

THURSDAY = date(2016, 9, 8)  # a Thursday


def _date(phrase: str, base: date = THURSDAY):
    found = find_dates(f"It happened {phrase} in the town.", base)
    assert found, f"no date found in {phrase!r}"
    return found[0]


@pytest.mark.parametrize("phrase, start, end, precision", [
    ("on Tuesday", "2016-09-06", "2016-09-06", "day"),  # the most recent Tuesday before publication
    ("on Thursday", "2016-09-08", "2016-09-08", "day"),  # the publication day itself
    ("last Tuesday", "2016-09-06", "2016-09-06", "day"),
    ("on Friday", "2016-09-02", "2016-09-02", "day"),
    ("yesterday", "2016-09-07", "2016-09-07", "day"),
    ("the day before yesterday", "2016-09-06", "2016-09-06", "day"),
    ("this morning", "2016-09-08", "2016-09-08", "day"),
    ("three days ago", "2016-09-05", "2016-09-05", "day"),
    ("last week", "2016-08-29", "2016-09-04", "week"),
    ("earlier this week", "2016-09-05", "2016-09-07", "week"),
    ("last month", "2016-08-01", "2016-08-31", "month"),
    ("earlier this month", "2016-09-01", "2016-09-07", "month"),
    ("in August", "2016-08-01", "2016-08-31", "month"),  # month-only: the latest August not after publication
    ("in October", "2015-10-01", "2015-10-31", "month"),  # ... so last year's October
    ("in August 2013", "2013-08-01", "2013-08-31", "month"),
    ("in 2014", "2014-01-01", "2014-12-31", "year"),  # year-only
    ("two years ago", "2014-01-01", "2014-12-31", "year"),
    ("last year", "2015-01-01", "2015-12-31", "year"),
    ("on 12 November 2015", "2015-11-12", "2015-11-12", "day"),
    ("on Sept. 6", "2016-09-06", "2016-09-06", "day"),
])
def test_dates_resolve_against_publication(phrase, start, end, precision):
    mention = _date(phrase)
    assert mention.value is not None, phrase
    assert mention.value.iso() == (start, end), phrase
    assert mention.value.precision == precision


def test_anchored_future_and_since_dates():
    anchored = _date("two days after the attack")
    assert anchored.kind == "anchored" and anchored.anchor == (2, "day", "after")
    assert shift(_date("on Tuesday").value, 2, "day", "after").iso() == ("2016-09-08", "2016-09-08")
    assert _date("in the coming days").kind == "future"
    assert _date("within days").kind == "future"
    assert _date("since March 2011").kind == "since"


def test_dateline_date():
    assert dateline_date("Tue 05 Jul 2016 Bomb blast in a northern town kills nine.") == date(2016, 7, 5)
    assert dateline_date("PORT CALDER, 21.08.2013 - Shelling resumed.") == date(2013, 8, 21)
    assert dateline_date("No date at the top of this one.") is None


# --------------------------------------------------------------------------------- casualties

@pytest.mark.parametrize("text, kind, low, high, qualifier, group", [
    ("the shelling killed at least nine people", "killed", 9, None, "at least", "all"),
    ("More than 40 civilians were killed in the raid", "killed", 40, None, "over", "civilians"),
    ("the blast killed hundreds of people", "killed", 200, None, "hundreds", "all"),
    ("dozens were injured when the roof fell", "injured", 24, None, "dozens", "all"),
    ("between 12 and 15 people died", "killed", 12, 15, "between", "all"),
    ("the death toll had risen to eleven", "killed", 11, None, None, "all"),
    ("about 60 others needed treatment", "injured", 60, None, "about", "all"),
    ("no more than two people were hurt", "injured", 0, 2, "no more than", "all"),
    ("At least 17 soldiers were killed in the ambush", "killed", 17, None, "at least", "fighters"),
    ("the raid left 1,200 people wounded", "injured", 1200, None, None, "all"),
    ("the deaths of twenty-three villagers", "killed", 23, None, None, "all"),
])
def test_casualty_figures(text, kind, low, high, qualifier, group):
    figures = find_figures(text)
    assert figures, text
    f = figures[0]
    assert (f.kind, f.low, f.high, f.qualifier, f.group) == (kind, low, high, qualifier, group), text
    assert text[f.start:f.end] == f.text


def test_casualty_subgroups_and_pairs():
    figures = find_figures("The strike killed 14 people, including five children, and wounded 30 others.")
    assert [(f.kind, f.low, f.group) for f in figures] == [("killed", 14, "all"), ("killed", 5, "children"),
                                                          ("injured", 30, "all")]
    assert figures[1].parent == 0
    assert number("twenty-one") == 21 and number("2,500") == 2500 and number("two hundred") == 200


def test_no_casualty_figure_from_years_or_distances():
    assert find_figures("In 2014 the town was 30 km from the front.") == []


@pytest.mark.parametrize("text, expected", [
    # a date line before the story: its year (or day) is never a count
    ("21 Jul 2016 Dozens of civilians were killed in the raids", [("killed", 24, "civilians")]),
    ("Date of publication 28 August 2016 Two children were killed in the shelling", [("killed", 2, "children")]),
    ("04-06-2016 40 Civilians Killed 100 Injured in Rocket Attacks on Port Calder",
     [("killed", 40, "civilians"), ("injured", 100, "all")]),
    ("58 Killed in Suspected Gas Attack", [("killed", 58, "all")]),
    # the civilians of a larger toll are their own figure; the toll stays
    ("Six civilians including a child were among at least 22 people killed in the strikes",
     [("killed", 6, "civilians"), ("killed", 22, "all")]),
    ("At least 16 civilians including women and children were killed on Friday", [("killed", 16, "civilians")]),
    ("Twelve villagers have been martyred by the shelling", [("killed", 12, "all")]),
    ("At least eight civil defence workers were killed when the strike hit their centre", [("killed", 8, "all")]),
    ("Three paramedics were killed near the clinic", [("killed", 3, "civilians")]),
    # "killed 30 people injured 90": the 30 were killed; in a headline's list, "killed" is the 8's
    ("A suicide bomber killed 30 people injured 90 at the wedding", [("killed", 30, "all")]),
    ("8 persons killed 58 others injured in rocket attacks", [("killed", 8, "all"), ("injured", 58, "all")]),
    # a part that is not the civilians stays inside the toll; a second count shares the verb
    ("Two medics were among at least 31 people killed in the shelling", [("killed", 31, "all")]),
    ("Air strikes killed 50 Al-Front militants and eight civilians in the town",
     [("killed", 50, "fighters"), ("killed", 8, "civilians")]),
    # members of an armed group are fighters, family members are not
    ("At least 23 Northern Front members were killed on Sunday", [("killed", 23, "fighters")]),
    ("The raid killed eleven members of the Orange Brigade", [("killed", 11, "fighters")]),
    ("Three family members were killed when the shell hit", [("killed", 3, "all")]),
    ("The strike killed five pro-regime forces at the checkpoint", [("killed", 5, "fighters")]),
])


def test_casualty_figures_in_headlines_and_date_lines(text, expected):
    figures = [f for f in find_figures(text) if f.parent is None]
    assert [(f.kind, f.low, f.group) for f in figures] == expected, text
    assert all(text[f.start:f.end] == f.text for f in figures)


def test_a_civilians_subgroup_is_the_civilian_toll():
    from claimscope.incidents.records import _civilian_deaths

    figures = find_figures("At least 20 people including 10 civilians were killed by the air strikes.")
    assert [(f.low, f.group, f.parent) for f in figures] == [(20, "all", None), (10, "civilians", 0)]
    assert _civilian_deaths(figures) == 10
    assert _civilian_deaths(find_figures("The strike killed 14 people, including five children.")) == 14
    # "dozens" is a convention (24); a count of the same incident beats it
    assert _civilian_deaths(find_figures("Dozens of people were killed in the attack. At least 58 people died.")) == 58


# ---------------------------------------------------------------------------------- taxonomy

def test_taxonomy_maps_to_acled_and_fakes():
    assert acled_types("chemical_weapon") == ("Explosions/Remote violence", "Chemical weapon")
    assert acled_types("air_strike")[1] == "Air/drone strike"
    assert fakes_cause("shelling") == "shelling" and fakes_cause("chemical_weapon") == "chemical and toxic gases"
    assert fakes_cause(None) == "unknown"
    # a battle or an attack says who fought, not how people died, unless gunfire is named
    assert fakes_cause("armed_clash") == "unknown" and fakes_cause("attack") == "unknown"
    assert fakes_cause("armed_clash", agent="firearms") == "shooting"
    assert fakes_cause("attack", agent="firearms") == "shooting"
    assert fakes_cause("execution", agent="firearms") == "execution"
    assert fakes_cause("air_strike", agent="firearms") == "shelling"
    assert compatible("explosion", "air_strike") and not compatible("arrest", "chemical_weapon")
    for key in ("chemical_weapon", "air_strike", "shelling", "remote_explosive", "armed_clash", "attack",
                "abduction", "arrest"):
        assert key in EVENT_TYPES


def test_actor_roles_in_battles_and_passives():
    from claimscope.claims.world import world
    from claimscope.incidents.actors import find_actors

    def roles(text):
        return {(h.name, h.role) for h in find_actors(text, 0, len(text), "Syria", world(()).country_of)}

    assert roles("Twenty government soldiers were killed in US-led coalition air strikes on the base.") == {
        ("government forces (Syria)", "target"), ("US-led coalition", "perpetrator")}
    assert ("government forces (Syria)", "perpetrator") in roles("Nine rebels were killed in clashes with regime troops.")
    assert ("US forces", "perpetrator") in roles("US cruise missiles struck an airbase near the town on Friday.")
    # who holds the struck town is its target, not the striker
    assert ("Islamic State", "target") in roles("Nine children were killed in air strikes on a town held by Daesh.")
    assert ("armed opposition groups", "target") in roles("Government air strikes hit opposition-held districts.")
    # a party that reports the attack is not its perpetrator
    assert ("armed opposition groups", None) in roles("It was an attack that opposition groups say killed dozens.")


# ------------------------------------------------------------------- end to end on invented text

def _mentions(cs, text, published="2021-05-06", focus=("Veskaria",)):
    cs.store.set_setting("analysis.focus_countries", list(focus))
    report = cs.ingest_text(text, published_at=published, outlet="Test Wire")
    article_id = (report.added or report.existing)[0]
    Pipeline(names=["incidents"]).run(cs.store)
    return article_id, cs.store.incident_mentions(article_id=article_id)


def _main(rows):
    mains = [r for r in rows if r["is_main"]]
    assert len(mains) == 1, rows
    return mains[0]


DENIED = """Ministry denies gas attack

The Veskarian Interior Ministry on Thursday denied that its helicopters had dropped chlorine on the Lowmarket quarter of Port Calder on Tuesday, calling the reports "lies".

Rescue workers said at least 14 people were killed in the chlorine attack, including five children."""

ANTICIPATED = """Ministry warns of staged attack

The Veskarian Foreign Ministry said on Monday that armed groups are preparing to stage a fake chemical attack in the coming days to blame the army."""

HYPOTHETICAL = """Envoy warns council

The envoy said that if a chemical attack took place in Port Calder, the council would act at once."""

FACT = """Shelling hits market

Artillery shells struck the central market of Drennick on Sunday, killing nine civilians and wounding 20 others."""


def test_denied_incident_with_date_figures_and_links(cs):
    article_id, rows = _mentions(cs, DENIED)  # published Thursday 2021-05-06
    main = _main(rows)
    assert main["event_type"] == "chemical_weapon" and main["agent"] == "chlorine"
    assert main["modality"] == "denied"
    assert (main["date_start"], main["date_precision"]) == ("2021-05-04", "day")
    assert main["killed_low"] == 14
    figures = cs.store.casualty_figures(article_id=article_id)
    assert {(f["kind"], f["low"], f["group"]) for f in figures} >= {("killed", 14, "all"), ("killed", 5, "children")}
    assert all(f["mention_id"] == main["id"] for f in figures)
    assert any(f["source"] and "Rescue workers" in f["source"] for f in figures)
    links = cs.store.links(kind="claim_incident")
    assert any(link["to_id"] == str(main["id"]) and link["from_type"] == "claim" for link in links)
    text = cs.article(article_id).text
    roles = {e["role"] for e in main["evidence"]}
    assert {"trigger", "date", "sentence"} <= roles
    date_ev = next(e for e in main["evidence"] if e["role"] == "date")
    assert text[date_ev["start"]:date_ev["end"]] == "Tuesday"


def test_anticipated_incident(cs):
    _, rows = _mentions(cs, ANTICIPATED, published="2021-05-10")
    main = _main(rows)
    assert main["modality"] == "anticipated" and main["event_type"] == "chemical_weapon"
    assert main["date_start"] is None  # "said on Monday" is when it was said, not when it happens
    assert main["perpetrator"] == "armed groups"


def test_hypothetical_incident(cs):
    _, rows = _mentions(cs, HYPOTHETICAL)
    assert _main(rows)["modality"] == "hypothetical"


def test_fact_incident_with_target(cs):
    _, rows = _mentions(cs, FACT, published="2021-05-04")  # a Tuesday
    main = _main(rows)
    assert main["event_type"] == "shelling" and main["modality"] == "fact"
    assert main["date_start"] == "2021-05-02" and main["killed_low"] == 9 and main["injured_low"] == 20
    assert main["target_kind"] == "civilians"


COUNTRY_ACTS = """Raids kill 12 in northern Syria

Twelve civilians were killed on Sunday in U.S. air strikes on a village in northern Syria, a Britain-based monitor said.

The monitor said the fighters then stormed the town of Atareb in Aleppo province."""


def test_country_acting_is_not_the_scene_and_vague_region_is_refined(cs):
    # "U.S. air strikes" and "a Britain-based monitor" name actors, not places; "northern
    # Syria" gives way to the town the next sentence names (marked as inferred). Invented text.
    _, rows = _mentions(cs, COUNTRY_ACTS, published="2021-05-04", focus=("Syria",))
    places = {r["place_name"] for r in rows}
    assert not places & {"United States", "United Kingdom"}, places
    main = _main(rows)
    assert main["admin1"] == "Aleppo" and "Atārib" in main["place_name"], [(r["event_type"], r["place_name"], r["is_main"]) for r in rows]
    assert main["attrs"].get("place_inferred") is True


DATELINES_INSIDE = """Raids kill nine in Atareb

Last updated 12 May 2021 BEIRUT (Test Wire) Air strikes killed nine civilians in the town of Atareb in Aleppo province on Monday, a monitor said.

MOSCOW (Test Wire) The Veskarian embassy said its observers had seen the jets strike only militant positions."""


def test_datelines_inside_the_text_are_not_scenes(cs):
    # "BEIRUT (Test Wire)" after a "Last updated" line and "MOSCOW (Test Wire)" heading a second
    # story are where the text was filed, not where the raid happened. Invented text.
    _, rows = _mentions(cs, DATELINES_INSIDE, published="2021-05-12", focus=("Syria",))
    assert not {r["place_name"] for r in rows} & {"Beirut", "Moscow"}, [(r["event_type"], r["place_name"]) for r in rows]
    main = _main(rows)
    assert main["admin1"] == "Aleppo" and main["event_type"] == "air_strike"
    assert main["date_start"] == "2021-05-10" and main["attrs"]["civilians_killed"] == 9


EVACUEES = """Convoy bombed

A car bomb struck buses carrying residents evacuated from the besieged towns of Fua and Kafraya near Atareb in Aleppo province on Saturday, killing nine people."""


def test_where_evacuees_came_from_is_not_the_scene(cs):
    _, rows = _mentions(cs, EVACUEES, published="2021-05-12", focus=("Syria",))
    main = _main(rows)
    assert main["admin1"] == "Aleppo" and "Kafraya" not in (main["place_name"] or ""), main["place_name"]
    assert not any(p["mention"] in ("Fua", "Kafraya") for r in rows for p in r["attrs"].get("places", []))


WIRE_HEADLINE = """Clashes kill 12 near Atareb Monitor AFP Monday 10 May 2021 At least 12 fighters were killed in clashes in northern Syria, a monitor said."""


def test_a_wire_headline_tag_is_not_an_outlet_name(cs):
    # "Atareb Monitor AFP": the monitor is the headline's source, not an outlet named after the town
    _, rows = _mentions(cs, WIRE_HEADLINE, published="2021-05-10", focus=("Syria",))
    assert _main(rows)["admin1"] == "Aleppo", [(r["event_type"], r["place_name"]) for r in rows]


CHEMICAL_FACTORY = """Jets hit depot

Warplanes struck a chemical weapons factory near Atareb on Monday, killing four guards, the ministry said.

The ministry said the factory had produced shells for the militants."""


def test_a_chemical_weapons_factory_is_no_chemical_attack(cs):
    _, rows = _mentions(cs, CHEMICAL_FACTORY, published="2021-05-12", focus=("Syria",))
    assert all(r["event_type"] != "chemical_weapon" for r in rows), [(r["event_type"], r["agent"]) for r in rows]
    assert _main(rows)["event_type"] == "air_strike"


ANCHOR_EVENT = """Arsenal handed over

Veskaria handed over its chemical arsenal in 2015, a year after an attack with sarin on Port Calder killed hundreds of people."""


def test_the_event_a_phrase_counts_from_is_dated_back(cs):
    # "in 2015, a year after an attack": the attack is the anchor, dated 2014, not 2015
    _, rows = _mentions(cs, ANCHOR_EVENT, published="2021-05-04")
    sarin = [r for r in rows if r["agent"] == "sarin"]
    assert len(sarin) == 1 and sarin[0]["date_start"] == "2014-01-01" and sarin[0]["date_end"] == "2014-12-31", rows


# ------------------------------------------------------------------------------------- seeds

def _seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def seed_store(cs):
    cs.store.set_setting("analysis.focus_countries", ["Syria"])
    return cs


@needs_seeds
def test_seed_sukri_chlorine_and_ghouta_background(seed_store):
    cs = seed_store
    _, rows = _mentions(cs, _seed("000"), published="2016-09-08", focus=("Syria",))
    sukri = _main(rows)
    assert sukri["event_type"] == "chemical_weapon" and sukri["agent"] == "chlorine"
    assert (sukri["date_start"], sukri["date_end"], sukri["date_precision"]) == ("2016-09-06", "2016-09-06", "day")
    sukkari = (36.1755, 37.1420)  # OCHA centroid of as-Sukkari, Aleppo
    assert distance_km((sukri["latitude"], sukri["longitude"]), sukkari) < 2
    assert sukri["geo_precision"] == "neighbourhood" and sukri["admin1"] == "Aleppo"
    assert sukri["perpetrator"] == "government forces (Syria)" and sukri["perpetrator_kind"] == "armed_forces"
    assert any("helicopters" in m for m in sukri["attrs"]["perpetrator_mentions"])  # "Syrian helicopters dropped"
    assert sukri["modality"] in ("alleged", "denied")
    assert {"alleged", "denied"} <= set(sukri["attrs"]["modalities"])
    ghouta = [r for r in rows if r["place_id"] == "region:ghouta"]
    assert ghouta, rows
    ghouta = ghouta[0]
    assert not ghouta["is_main"] and ghouta["attrs"]["background"]
    assert ghouta["agent"] == "sarin" and ghouta["date_start"] == "2013-08-01" and ghouta["date_precision"] == "month"
    assert ghouta["killed_low"] == 200
    figures = cs.store.casualty_figures(mention_ids=[ghouta["id"]])
    assert any(f["qualifier"] == "hundreds" for f in figures)


@needs_seeds
def test_seed_anticipated_staged_attacks(seed_store):
    cs = seed_store
    _, rows = _mentions(cs, _seed("004"), published=None, focus=("Syria",))
    main = _main(rows)
    assert main["modality"] == "anticipated" and main["event_type"] == "chemical_weapon"
    place_ids = {p["id"] for p in main["attrs"]["places"]}
    assert {"region:west-aleppo", "region:southeast-idlib"} <= place_ids
    assert main["place_id"] in place_ids and main["admin1"] in ("Aleppo", "Idlib")


# -------------------------------------------------------------------------------------- demo

@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    import claimscope

    handle = claimscope.open(tmp_path_factory.mktemp("demo") / "demo.db")
    demo.ingest_demo(handle.store)
    Pipeline(names=["incidents"]).run(handle.store)
    yield handle
    handle.close()


def _by_file(cs):
    return {a.metadata.get("demo_file"): a for a in cs.articles(limit=100)}


def _truth_mentions(role):
    for incident in demo.truth()["incidents"]:
        for mention in incident["mentions"]:
            if mention["role"] == role:
                yield incident, mention


def _place_ok(row, truth_place):
    ids = {row["place_id"]} | {p["id"] for p in row["attrs"].get("places", [])}
    return f"places:{truth_place}" in ids


def _date_ok(row, mention):
    want = mention["date_resolved"]
    if want is None:
        return row["date_start"] is None
    if "/" in want:
        start, end = want.split("/")
        # a week/month in the truth; the day an article also names ("Monday's blast") is as good
        return f"{row['date_start']}/{row['date_end']}" == want or (
            row["date_precision"] == "day" and start <= (row["date_start"] or "") <= end)
    if len(want) == 7:
        return row["date_start"] == want + "-01" and row["date_precision"] == "month"
    if len(want) == 4:
        return row["date_start"] == want + "-01-01" and row["date_precision"] == "year"
    return row["date_start"] == want == row["date_end"]


def test_demo_main_incidents(demo_store):
    """Every article's main incident against truth.json: type, place, date, modality."""
    articles = _by_file(demo_store)
    checked, misses = 0, []
    for incident, mention in _truth_mentions("main"):
        article = articles[mention["article"]]
        main = _main(demo_store.store.incident_mentions(article_id=article.id))
        checks = {
            "type": main["event_type"] == incident["event_type"] or incident["event_type"] == "air_strike" and
            main["event_type"] in ("air_strike", "attack", "explosion"),
            "place": _place_ok(main, incident["place"]),
            "date": _date_ok(main, mention),
            "modality": main["modality"] == mention["modality"],
        }
        checked += 1
        misses += [(mention["article"], k) for k, ok in checks.items() if not ok]
    assert checked == 16
    # known misses (docs/incidents.md): 05 and 12 frame the incident through the other side's
    # claim, 06 places it at the city rather than the neighbourhood
    assert len(misses) <= 4, misses
    assert {k for _, k in misses} <= {"modality", "place"}, misses


def test_demo_background_incidents(demo_store):
    """Background history (Ain Qurmul 2014, Tarrafiyya in later articles) is found and not main."""
    articles = _by_file(demo_store)
    found = 0
    total = 0
    for incident, mention in _truth_mentions("background"):
        total += 1
        rows = demo_store.store.incident_mentions(article_id=articles[mention["article"]].id)
        hits = [r for r in rows if not r["is_main"] and _place_ok(r, incident["place"])]
        found += bool(hits)
    assert found >= total * 0.6, (found, total)


def test_demo_casualty_figures_and_sources(demo_store):
    articles = _by_file(demo_store)
    store = demo_store.store
    figs = store.casualty_figures(article_id=articles["10_krm_saqrun_market.txt"].id)
    assert any(f["kind"] == "killed" and f["low"] == 23 and f["qualifier"] == "at least" and f["group"] == "civilians"
               for f in figs)
    figs = store.casualty_figures(article_id=articles["11_meridian_saqrun_market.txt"].id)
    assert any(f["low"] == 14 and f["high"] == 19 and f["qualifier"] == "between" for f in figs)
    figs = store.casualty_figures(article_id=articles["14_dravonia_saqrun_show.txt"].id)
    assert any(f["kind"] == "injured" and f["low"] == 0 and f["high"] == 3 for f in figs)


def test_demo_acled_export(demo_store):
    rows = list(acled_rows(demo_store.store))
    assert rows and all(list(r) == list(COLUMNS) for r in rows)
    main = [r for r in rows if r["is_main"] and r["location"] == "at-Tarrafiyya" and r["modality"] == "alleged"]
    assert main and main[0]["event_date"] == "2019-11-12" and main[0]["time_precision"] == 1
    assert main[0]["sub_event_type"] == "Chemical weapon" and main[0]["geo_precision"] == 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue().splitlines()[0].startswith("event_date,time_precision,event_type,sub_event_type,actor1")


def test_cli_mentions_and_acled_export(demo_store, tmp_path):
    from click.testing import CliRunner

    from claimscope.cli import main

    db = str(demo_store.store.path)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "mentions", "--type", "chemical_weapon", "--since", "2019-11",
                                  "--until", "2019-11-30", "--main-only"])
    assert result.exit_code == 0, result.output
    assert "chemical weapon" in result.output and "at-Tarrafiyya" in result.output
    result = runner.invoke(main, ["--db", db, "mentions", "--place", "Saqrun", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all(r["place_name"] == "Saqrun" for r in rows)
    out = tmp_path / "acled.csv"
    result = runner.invoke(main, ["--db", db, "export", "--format", "acled", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(",".join(COLUMNS[:4]))
    article = _by_file(demo_store)["01_krm_tarrafiyya_chlorine.txt"]
    result = runner.invoke(main, ["--db", db, "show", article.id[:10]])
    assert "incident mentions" in result.output and "chemical weapon" in result.output


def test_gazetteer_resolves_demo_spellings():
    gaz = Gazetteer(extra_layers=[str(demo.places_path())])
    spots = {gaz.resolve(name).id for name in ("al-Tarrafiyya", "Tarrafiyeh", "al-Tarafiya", "at-Tarrafiyya")}
    assert spots == {"places:tarrafiyya"}
