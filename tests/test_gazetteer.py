"""Offline gazetteer (claimscope.geo): runs on the shipped index only, no ../shared needed.

Sentences below are invented for these tests.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from claimscope.geo import (
    Gazetteer,
    LayerError,
    Place,
    ResolveContext,
    distance_km,
    exact_key,
    loose_key,
    skeleton_key,
)
from claimscope.geo.gazetteer import FOLDED
from claimscope.model import GeoPrecision

DATA = Path(__file__).resolve().parents[1] / "src" / "claimscope" / "geo" / "data"
SY = {"country": "SY"}
# OCHA centroid of the as-Sukkari neighbourhood polygon, Aleppo.
SUKKARI = (36.1755, 37.1420)
GOVERNORATES = {
    "Aleppo", "Idlib", "Hama", "Homs", "Latakia", "Tartus", "Damascus", "Rif Dimashq", "Daraa",
    "Sweida", "Quneitra", "Raqqa", "Deir ez-Zor", "Hasakah",
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# -- name keys ---------------------------------------------------------------------------------


def test_keys_fold_articles_diacritics_apostrophes():
    assert exact_key("Ma'arrat al-Nu'man") == "maarrat al numan"
    assert exact_key("Khān Shaykhūn") == "khan shaykhun"
    assert loose_key("as-Sukkari neighbourhood") == "sukkari"
    assert loose_key("province of Aleppo") == "aleppo"
    assert loose_key("Damascus countryside") != loose_key("Damascus")  # Rif Dimashq is not Damascus
    for a, b in [("Sukri", "al-Sukkari"), ("Idleb", "Idlib"), ("Douma", "Duma"), ("Deir Ezzor", "Dayr az Zawr"),
                 ("Khan Sheikhoun", "Khan Shaykhun"), ("Latakiyah", "Lattakia"), ("Ain al-Arab", "Ayn al-Arab")]:
        assert skeleton_key(a) == skeleton_key(b), (a, b)
    assert skeleton_key("Daraa") != skeleton_key("Darayya")  # different towns stay apart


# -- transliteration classes resolve to one place ------------------------------------------------

VARIANT_GROUPS = [
    ["Sukri", "Sukkari", "as-Sukkari", "al-Sukkari", "Al Sukkari", "As Sukkari"],  # doubled consonants, articles
    ["Idleb", "Idlib"],  # e/i
    ["Douma", "Duma"],  # ou/u
    ["Khan Sheikhoun", "Khan Shaykhun", "Khan Shaykhoun"],  # ei/ay, ou/u
    ["Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "Deir Ezzor"],  # articles, aw/ou
    ["ar-Raqqa", "Raqqa", "Ar Raqqah"],  # ar-, final -ah
    ["at-Tall", "al-Tall", "Tall"],
    ["az-Zabadani", "Zabadani"],
    ["an-Nabk", "An Nabk", "Nabk"],
    ["el-Bab", "al-Bab", "Al Bab"],
    ["ad-Dana", "Dana"],
    ["ash-Shaddadi", "al-Shaddadi", "Shaddadi"],
    ["Ma'arrat al-Nu'man", "Maarat al-Numan", "Ma‘arrat an-Nu‘mān"],  # apostrophes / ayn marks
    ["Dar'a", "Daraa", "Deraa"],
    ["‘Afrīn", "Afrin"],  # diacritics
    ["Ḩamāh", "Hama", "Hamah"],
    ["Lattakia", "Latakia"],
    ["Ain al-Arab", "Ayn al-Arab"],  # ai/ay
    ["Jisr al-Shughur", "Jisr ash-Shughour"],
]


@pytest.mark.parametrize("group", VARIANT_GROUPS, ids=lambda g: g[0])
def test_variants_resolve_to_one_place(gaz, group):
    ids = {name: gaz.resolve(name, SY).id for name in group}
    assert len(set(ids.values())) == 1, ids


def test_governorates_and_their_variants(gaz):
    govs = {name: gaz.get("gov:" + exact_key(name).replace(" ", "-")) for name in GOVERNORATES}
    assert all(p is not None and p.kind == "governorate" and p.admin1 == n for n, p in govs.items()), govs
    for name, gov_id in [
        ("Rural Damascus", "gov:rif-dimashq"), ("Damascus countryside", "gov:rif-dimashq"),
        ("Rif Dimashq", "gov:rif-dimashq"), ("Idleb province", "gov:idlib"),
        ("Deir al-Zour governorate", "gov:deir-ez-zor"), ("Al-Hasakah Governorate", "gov:hasakah"),
        ("Tartous province", "gov:tartus"), ("As-Suwayda province", "gov:sweida"), ("Halab province", "gov:aleppo"),
    ]:
        assert gaz.resolve(name, SY).id == gov_id, name


def test_every_syria_place_has_a_governorate(gaz):
    rows = [gaz._place(i) for i in range(len(gaz.index))]
    syria = [p for p in rows if p.country == "SY" and p.kind != "country"]
    assert len(syria) > 1000
    assert {p.admin1 for p in syria} <= GOVERNORATES
    assert sum(1 for p in syria if p.source == "ocha") == 109


def test_regions_are_curated(gaz):
    for name in ["Eastern Ghouta", "Western Ghouta", "Ghouta", "Qalamoun", "Hauran", "Jazira",
                 "northern Aleppo countryside", "southern Idlib", "west of Idlib"]:
        place = gaz.resolve(name, SY)
        assert place is not None and place.kind == GeoPrecision.REGION.value and place.source == "curated", name


# -- coordinates and context -----------------------------------------------------------------------


def test_sukkari_is_where_ocha_puts_it(gaz):
    for name in ["Sukkari", "as-Sukkari", "al-Sukkari"]:
        place = gaz.resolve(name, SY)
        assert place.kind == "neighbourhood" and place.admin1 == "Aleppo"
        assert distance_km(place, SUKKARI) < 2.0


def test_sukri_near_aleppo_without_country(gaz):
    aleppo = gaz.resolve("Aleppo")
    assert gaz.resolve("Sukri", {"near": [aleppo]}).id == gaz.resolve("Sukkari").id


def test_folded_match_never_beats_exact_without_more_context(gaz):
    # "Sukri" is also an exact alternate name elsewhere (GeoNames): with no context the exact
    # match ranks first; Syria as context lets the folded Aleppo neighbourhood win.
    first = gaz.candidates("Sukri")[0]
    assert first.tier != FOLDED
    assert gaz.resolve("Sukri").id == first.place.id
    assert gaz.resolve("Sukri", SY).admin1 == "Aleppo"


def test_aleppo_is_in_syria(gaz):
    assert gaz.resolve("Aleppo").country == "SY"
    place = gaz.resolve("Aleppo", ResolveContext(country="SY"))
    assert place.country == "SY" and place.kind == "town"
    assert distance_km(place, (36.20, 37.16)) < 5


def test_ambiguous_name_resolved_by_country(gaz):
    countries = {p.country for p in gaz.lookup("Tripoli")}
    assert {"LB", "LY"} <= countries
    assert gaz.resolve("Tripoli", {"country": "LB"}).country == "LB"
    assert gaz.resolve("Tripoli", {"country": "LY"}).country == "LY"
    assert all(p.country == "LB" for p in gaz.lookup("Tripoli", country="LB"))


def test_countries_and_precision(gaz):
    syria = gaz.resolve("Syria")
    assert syria.kind == "country" and syria.country == "SY"
    assert 32 < syria.lat < 37.5 and 35.5 < syria.lon < 42.5
    assert gaz.resolve("Russian Federation").id == "country:RU"


def test_unknown_name(gaz):
    assert gaz.lookup("Qwxzv") == []
    assert gaz.resolve("Qwxzv") is None


def test_place_and_distance():
    a = Place("x:1", "A", "town", 36.0, 37.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "B"  # type: ignore[misc]
    assert distance_km(a, a) == 0
    assert 110 < distance_km(a, (37.0, 37.0)) < 112
    assert a.precision is GeoPrecision.TOWN


# -- user layers -----------------------------------------------------------------------------------


def _layer(tmp_path: Path, records) -> Path:
    path = tmp_path / "testplaces.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


INVENTED = [
    {"id": "p1", "name": "Tall Qurunfula", "variants": ["Tal Qoronfoleh", "تل القرنفلة"], "kind": "town",
     "parent": "Idlib", "lat": 35.91, "lon": 36.70},
    {"id": "p2", "name": "Harat al-Zanbaq", "variants": [], "kind": "neighbourhood", "parent": "Aleppo",
     "lat": 36.21, "lon": 37.15},
]


def test_extra_layer_loads_and_ranks(tmp_path):
    g = Gazetteer(extra_layers=[_layer(tmp_path, INVENTED)])
    place = g.resolve("Tal Qoronfoleh")
    assert place.id == "testplaces:p1" and place.source == "testplaces"
    assert place.country == "SY" and place.admin1 == "Idlib"  # inherited from the parent
    assert g.resolve("Tall Qurunfulah", SY).id == "testplaces:p1"  # folded spelling
    assert g.lookup("تل القرنفلة")[0].id == "testplaces:p1"
    assert g.get("testplaces:p2").kind == "neighbourhood"
    text = "Witnesses said shells fell on Harat al-Zanbaq before noon."
    hits = g.scan(text)
    assert [(text[s:e], places[0].id) for s, e, places in hits] == [("Harat al-Zanbaq", "testplaces:p2")]


def test_add_layer_with_dicts(scratch):
    g = scratch
    assert g.add_layer([{"id": "x", "name": "Qaryat Zaafaran", "kind": "town", "lat": 35.0, "lon": 37.0}], name="mine") == 1
    assert g.resolve("Qaryat Zaafaran").id == "mine:x"


@pytest.mark.parametrize(
    "records, message",
    [
        ({"id": "x"}, "expected a list"),
        ([{"id": "x", "name": "Y", "kind": "town", "lat": 1}], "missing lon"),
        ([{"id": "x", "name": "Y", "kind": "village", "lat": 1, "lon": 2}], "kind 'village'"),
        ([{"id": "x", "name": "Y", "kind": "town", "lat": 100, "lon": 2}], "out of range"),
    ],
)
def test_bad_layer_says_what_and_where(tmp_path, scratch, records, message):
    path = _layer(tmp_path, records)
    with pytest.raises(LayerError, match=message) as err:
        scratch.load_layer(path)
    assert str(path) in str(err.value)


@pytest.fixture(scope="module")
def scratch() -> Gazetteer:
    """A private instance for tests that add layers (the default one is shared)."""
    return Gazetteer()


# -- scanning text ---------------------------------------------------------------------------------


def test_scan_offsets_and_phrases(gaz):
    text = ("Medics said the Sukri neighborhood of Aleppo was shelled overnight, while fighting went on "
            "in the west of Aleppo and southeast of Idleb.")
    hits = [(text[s:e], s, e, places) for s, e, places in gaz.scan(text)]
    spans = [h[0] for h in hits]
    assert spans == ["Sukri", "Aleppo", "the west of Aleppo", "southeast of Idleb"]
    for span, s, e, _ in hits:
        assert text.index(span) == s and s + len(span) == e
    by_span = {h[0]: h[3] for h in hits}
    assert distance_km(by_span["Sukri"][0], SUKKARI) < 2.0
    assert by_span["Aleppo"][0].id == gaz.resolve("Aleppo").id
    assert by_span["the west of Aleppo"][0].kind == "region"
    southeast = by_span["southeast of Idleb"][0]
    assert southeast.id == "region:southeast-idlib" and southeast.admin1 == "Idlib"


def test_scan_skips_common_words_and_organisations(gaz):
    text = ("Of all the reports, the best came from a mobile clinic. Best of all, March was calm. "
            "The State Duma spoke for us, and Hayat Tahrir al-Sham and Al Jazeera did not. Syrian and Iraqi "
            "officials met.")
    assert gaz.scan(text) == []


def test_scan_countries_abbreviations_and_distances(gaz):
    text = "The US and the UK blamed Damascus; a strike hit 12 km north of Hama and Idlib province."
    found = {text[s:e]: places[0] for s, e, places in gaz.scan(text)}
    assert found["US"].id == "country:US" and found["UK"].id == "country:GB"
    assert found["Damascus"].kind == "town"
    offset = found["12 km north of Hama"]
    assert offset.source == "derived" and offset.kind == "district"
    assert 11 < distance_km(offset, gaz.resolve("Hama", SY)) < 13 and offset.lat > gaz.resolve("Hama", SY).lat
    assert found["Idlib province"].id == "gov:idlib"


def test_resolve_text_uses_context(gaz):
    text = "Shelling hit Kafr Zita in northern Hama before spreading to Latamneh."
    resolved = {text[s:e]: p for s, e, p in gaz.resolve_text(text, country="SY")}
    assert resolved["Kafr Zita"].admin1 == "Hama"
    assert resolved["northern Hama"].id == "region:north-hama"
    assert resolved["Latamneh"].admin1 == "Hama"


# -- shipped files ---------------------------------------------------------------------------------


def test_shipped_outlines():
    aleppo = json.loads((DATA / "aleppo_neighbourhoods.geojson").read_text(encoding="utf-8"))
    assert len(aleppo["features"]) == 109
    names = {f["properties"]["name"] for f in aleppo["features"]}
    assert "As-Sukkari" in names
    world = json.loads((DATA / "countries-110m.geojson").read_text(encoding="utf-8"))
    syria = [f for f in world["features"] if f["properties"]["iso2"] == "SY"]
    assert len(syria) == 1 and syria[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_shipped_data_is_small():
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 8 * 1024 * 1024, f"geo/data is {total / 1e6:.1f} MB"


@pytest.mark.parametrize("text,name,admin1", [
    ("barrel bombs fell on the town of al-Bab on Thursday", "al-Bab", "Aleppo"),
    ("fighting went on in Al Bab", "Al Bab", "Aleppo"),
    ("the raids on the city of Raqa killed 22", "Raqa", "Raqqa"),
])
def test_scan_finds_article_prefixed_and_short_spellings(gaz, text, name, admin1):
    # "Al Bab": the looser key "bab" is a stop word, the full name is not; "Raqa" is AFP's spelling
    hits = gaz.resolve_text(text, country="SY")
    assert len(hits) == 1 and name in text[hits[0][0]:hits[0][1]] and hits[0][2].admin1 == admin1


def test_scan_keeps_bab_alone_out(gaz):
    assert gaz.resolve_text("the bab gate and the Bab were closed", country="SY") == []
