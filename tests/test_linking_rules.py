"""Incident clustering rules, manual edits and id carry-over, on hand-built mentions (invented)."""

from __future__ import annotations

from claimscope.linking.clustering import Group, cluster, mention_key
from claimscope.linking.contradictions import casualty_contradictions, figure_values
from claimscope.linking.dossier import independent_sources
from claimscope.linking.evaluation import pairwise_prf
from claimscope.linking.manual import MERGE, SPLIT, apply_edits, assign_ids
from claimscope.linking.narratives import ClaimItem, build, lexical_terms
from claimscope.linking.roles import role_of
from claimscope.linking.rules import compare

# invented places: a town with two neighbourhoods 1-2 km apart, a town 80 km away
OLDTOWN = (-37.548, -20.372)
MILLQUARTER = (-37.552, -20.386)
BRENNA = (-37.55, -20.40)
FARHILL = (-37.92, -19.58)


def mention(i, article, *, event="chemical_weapon", start=None, end=None, precision="day", place="Oldtown",
            at=OLDTOWN, geo="neighbourhood", agent=None, modality="alleged", published="2030-05-02", perp=None):
    return {"id": i, "article_id": article, "event_type": event, "date_start": start, "date_end": end,
            "date_precision": precision if start else "unknown", "place_name": place, "place_id": place.lower(),
            "latitude": at[0] if at else None, "longitude": at[1] if at else None, "geo_precision": geo,
            "agent": agent, "modality": modality, "published_at": published, "perpetrator": perp,
            "start": i * 100, "end": i * 100 + 12, "is_main": True}


def groups_of(mentions):
    return sorted(sorted(g.members) for g in cluster(mentions))


def test_same_place_and_day_merge_with_evidence():
    a = mention(1, "art-a", start="2030-05-01", agent="chlorine")
    b = mention(2, "art-b", start="2030-05-01", agent="chlorine", place="Oldtown quarter", at=(-37.549, -20.371))
    check = compare(a, b)
    assert check.linkable and check.conflict is None
    assert any("km apart" in r for r in check.reasons) and any("same weapon" in r for r in check.reasons)
    [group] = cluster([a, b])
    assert group.members == [1, 2] and group.evidence[0]["reasons"]


def test_incompatible_type_agent_date_place_stay_apart():
    base = mention(1, "art-a", start="2030-05-01", agent="chlorine")
    assert compare(base, mention(2, "b", event="armed_clash", start="2030-05-01", at=MILLQUARTER)).conflict
    assert "chemical agents" in compare(base, mention(3, "c", start="2030-05-01", agent="sarin")).conflict
    assert "dates" in compare(base, mention(4, "d", start="2030-05-09")).conflict
    assert "km apart" in compare(base, mention(5, "e", start="2030-05-01", at=FARHILL, place="Farhill",
                                               geo="town")).conflict
    assert "anticipates" in compare(base, mention(6, "f", modality="anticipated")).conflict


def test_precision_sets_the_distance_and_date_tolerance():
    town = mention(2, "b", start="2030-05-01", place="Brenna", at=BRENNA, geo="town")
    assert compare(mention(1, "a", start="2030-05-01"), town).place_match  # 2.5 km, town radius
    week = mention(3, "c", start="2030-04-28", end="2030-05-04", precision="week")
    assert compare(mention(1, "a", start="2030-05-01"), week).date_match
    year = mention(4, "d", start="2031", precision="year")  # "a year ago" style vagueness
    assert compare(mention(1, "a", start="2030-11-20"), year).conflict is None


def test_week_mention_cannot_chain_two_different_days():
    ms = [mention(1, "a", start="2030-05-01"), mention(2, "b", start="2030-05-05"),
          mention(3, "c", start="2030-04-29", end="2030-05-05", precision="week")]
    groups = groups_of(ms)
    assert [1, 2] not in groups and not any(set(g) == {1, 2, 3} for g in groups)


def test_undated_mention_joins_the_one_incident_it_fits():
    ms = [mention(1, "a", start="2030-05-01"), mention(2, "b", start="2030-05-01"),
          mention(3, "c", event="air_strike", start="2031-02-02", place="Farhill", at=FARHILL, geo="town",
                  published="2031-02-03"),
          mention(4, "d", place="Brenna", at=BRENNA, geo="town", published="2031-03-01", modality="denied")]
    assert groups_of(ms) == [[1, 2, 4], [3]]
    # published before the incident's date: it cannot be a report of it
    late = [mention(1, "a", start="2030-05-01"), mention(5, "e", published="2030-04-01")]
    assert groups_of(late) == [[1], [5]]


def test_warnings_merge_when_published_close_together():
    w1 = mention(1, "a", modality="anticipated", place="Farhill", at=FARHILL, geo="town", published="2031-03-21")
    w2 = mention(2, "b", modality="anticipated", place="Farhill", at=FARHILL, geo="town", published="2031-03-22")
    w3 = mention(3, "c", modality="anticipated", place="Farhill", at=FARHILL, geo="town", published="2032-01-10")
    assert groups_of([w1, w2, w3]) == [[1, 2], [3]]


def test_manual_merge_and_split_replay_in_order():
    ms = {i: mention(i, f"art-{i}", start=day, place=name, at=at, geo="town")
          for i, day, name, at in [(1, "2030-05-01", "Oldtown", OLDTOWN), (2, "2030-05-01", "Oldtown", OLDTOWN),
                                   (3, "2030-05-01", "Farhill", FARHILL)]}
    groups = cluster(list(ms.values()))
    assert sorted(g.members for g in groups) == [[1, 2], [3]]
    key = {i: mention_key(m) for i, m in ms.items()}
    merge = {"id": 1, "kind": MERGE, "payload": {"incidents": [10, 11], "keys": [key[1], key[2], key[3]]}}
    merged, warnings = apply_edits(cluster(list(ms.values())), ms, [merge])
    assert [g.members for g in merged] == [[1, 2, 3]] and merged[0].locked and not warnings
    split = {"id": 2, "kind": SPLIT, "payload": {"incident": 10, "mention_keys": [key[2]], "rest_keys": [key[1]]}}
    after, _ = apply_edits(cluster(list(ms.values())), ms, [merge, split])
    assert sorted(g.members for g in after) == [[1, 3], [2]]
    assert all(g.locked for g in after)
    # a re-analysis that moved a trigger by a few characters still matches (overlapping span)
    moved = {i: {**m, "start": m["start"] + 3, "end": m["end"] + 3} for i, m in ms.items()}
    again, warnings = apply_edits(cluster(list(moved.values())), moved, [merge, split])
    assert sorted(g.members for g in again) == [[1, 3], [2]] and not warnings
    gone, warnings = apply_edits([Group([9])], {9: mention(9, "other")}, [merge])
    assert warnings and "no longer matches" in warnings[0]


def test_ids_carry_over_and_are_never_reused():
    ms = {i: mention(i, f"art-{i}", start="2030-05-01") for i in (1, 2, 3)}
    key = {i: mention_key(m) for i, m in ms.items()}
    groups = [Group([1, 2]), Group([3])]
    ids, next_id = assign_ids(groups, ms, {7: {key[1], key[2]}, 4: {"gone:0:1"}}, 1)
    assert ids[0] == 7 and ids[1] == 8 and next_id == 9


def test_casualty_figures_conflict_only_when_values_disagree():
    def fig(i, article, low, high=None, qualifier=None, kind="killed", group="all"):
        return {"id": i, "article_id": article, "kind": kind, "low": low, "high": high, "qualifier": qualifier,
                "group": group, "start": i, "end": i + 5}
    assert figure_values(fig(1, "a", 200, qualifier="hundreds")) == (200.0, 999.0)
    figures = [fig(1, "a", 6, qualifier="at least"), fig(2, "b", 6), fig(3, "c", 9), fig(4, "d", 14, 19),
               fig(5, "e", 15), fig(6, "f", 2, kind="injured")]
    links = casualty_contradictions(1, figures, {"a", "b", "c", "d", "e", "f"})
    pairs = {(frozenset(m["article_id"] for m in lk.attrs["a_members"]),
              frozenset(m["article_id"] for m in lk.attrs["b_members"])) for lk in links}
    assert (frozenset({"a", "b"}), frozenset({"c"})) in pairs  # "at least 6" vs 9
    assert not any(frozenset({"d"}) in p and frozenset({"e"}) in p for p in pairs)  # 14-19 holds 15
    # an article giving only injuries implies no deaths
    assert any(any(m.get("implied") for m in lk.attrs["a_members"] + lk.attrs["b_members"]) for lk in links)


def test_independent_sources_collapse_copies_and_owners():
    meta = {"a1": {"outlet": "Wire One", "owner": "Wire One"},
            "a2": {"outlet": "Paper Two", "owner": "Trust", "duplicate_of": "a1"},
            "a3": {"outlet": "State TV", "owner": "State Corp"}, "a4": {"outlet": "State Radio", "owner": "State Corp"}}
    out = independent_sources(meta)
    assert out["count"] == 2 and out["copies"][0]["article_id"] == "a2"


def test_roles_from_stance_or_claim_type():
    assert role_of({"claim_type": "allegation"}, None) == "alleged"
    assert role_of({"claim_type": "assertion", "polarity": "negates"}, None) == "denied"
    assert role_of({"claim_type": "estimate"}, None) == "corroborated"
    assert role_of({"claim_type": "assertion"}, "denies") == "denied"
    assert role_of({"claim_type": "allegation"}, "supports") == "alleged"
    assert role_of({"claim_type": "assertion"}, "counter_accuses") == "counter_accused"


def test_lexical_narratives_fold_paraphrases():
    assert "FAKE" in lexical_terms("the attack was staged") and "FAKE" in lexical_terms("fabricated reports")
    texts = ["the rebels fabricated the gas attack to halt the army's advance",
             "militants staged the chemical attack to stop the army advancing",
             "the bakery reopened on the main square after repairs",
             "the rebels invented the poison gas story to halt the advance of the army"]
    items = [ClaimItem(id=i, text=t, article_id=f"art{i}", root=f"art{i}", published_at=f"2030-0{i + 1}-01",
                       outlet=f"Outlet {i}", key=f"art{i}:0:9") for i, t in enumerate(texts)]
    narratives, method = build(items, None)
    assert method == "lexical"
    assert len(narratives) == 1 and set(narratives[0]["members"]) == {0, 1, 3}
    assert narratives[0]["first_seen"] == "2030-01-01" and narratives[0]["outlet_count"] == 3


def test_pairwise_prf():
    truth = {"a": 1, "b": 1, "c": 2}
    assert pairwise_prf(truth, {"a": 5, "b": 5, "c": 6})["f1"] == 1.0
    scores = pairwise_prf(truth, {"a": 5, "b": 5, "c": 5})
    assert scores["precision"] == 0.3333 and scores["recall"] == 1.0
