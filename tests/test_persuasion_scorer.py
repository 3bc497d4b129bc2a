"""The span scorer (partial-overlap P/R/F1 of SemEval-2020 Task 11), the corpus reader and
the lexicon baseline, on hand-made spans and invented sentences."""

from __future__ import annotations

import pytest

from claimscope.rhetoric import LABELS, available_detectors, get_detector, technique_spans
from claimscope.rhetoric.corpus import parse_label_lines, read_labels, split_ids
from claimscope.rhetoric.cues import CUE_GROUPS
from claimscope.rhetoric.scoring import evaluate, merge_overlapping, score_spans

from conftest import needs_shared

LL, NC, DB = "Loaded_Language", "Name_Calling-Labeling", "Doubt"


# ---------------------------------------------------------------------------------------
# scorer


def test_exact_match_scores_one():
    gold = {"a": [(LL, 10, 20), (NC, 30, 40)]}
    s = score_spans(gold, gold)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.per_technique[LL].f1 == 1.0 and s.per_technique[NC].f1 == 1.0


def test_half_overlap_gives_partial_credit():
    # predicted [10,20) against gold [15,35): overlap 5 chars, |s| = 10, |t| = 20
    s = score_spans({"a": [(LL, 10, 20)]}, {"a": [(LL, 15, 35)]})
    assert s.precision == pytest.approx(5 / 10)
    assert s.recall == pytest.approx(5 / 20)
    assert s.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_prediction_inside_longer_gold_span():
    s = score_spans({"a": [(DB, 0, 10)]}, {"a": [(DB, 0, 40)]})
    assert (s.precision, s.recall) == pytest.approx((1.0, 0.25))


def test_wrong_technique_is_zero_when_technique_aware_but_counts_when_agnostic():
    pred, gold = {"a": [(NC, 10, 20)]}, {"a": [(LL, 10, 20)]}
    aware = score_spans(pred, gold)
    assert (aware.precision, aware.recall, aware.f1) == (0.0, 0.0, 0.0)
    assert aware.per_technique[NC].n_pred == 1 and aware.per_technique[LL].n_gold == 1
    agnostic = score_spans(pred, gold, technique_aware=False)
    assert (agnostic.precision, agnostic.recall, agnostic.f1) == (1.0, 1.0, 1.0)
    assert evaluate(pred, gold)["span"].f1 == 1.0


def test_one_prediction_over_two_gold_spans_collects_credit_from_both():
    # C(s,t,|s|) summed over both gold spans: (5 + 5) / 20 = 0.5; each gold span recalled fully
    s = score_spans({"a": [(LL, 0, 20)]}, {"a": [(LL, 0, 5), (LL, 15, 20)]})
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(1.0)


def test_empty_predictions():
    s = score_spans({}, {"a": [(LL, 0, 5)]})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert s.micro.n_pred == 0 and s.micro.n_gold == 1
    s = score_spans({"a": []}, {"a": [(LL, 0, 5)]})
    assert s.f1 == 0.0


def test_empty_gold():
    s = score_spans({"a": [(LL, 0, 5)]}, {"a": []})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_nothing_predicted_and_nothing_to_find_is_perfect():
    s = score_spans({"a": []}, {"a": []})
    assert s.f1 == 1.0 and s.per_technique == {}


def test_overlapping_predictions_of_one_technique_are_merged():
    # [0,10) and [5,15) become [0,15): one prediction, not two copies earning recall twice
    gold = {"a": [(LL, 0, 15)]}
    s = score_spans({"a": [(LL, 0, 10), (LL, 5, 15)]}, gold)
    assert s.micro.n_pred == 1
    assert (s.precision, s.recall) == (1.0, 1.0)
    duplicated = score_spans({"a": [(LL, 0, 15), (LL, 0, 15)]}, gold)
    assert duplicated.recall == 1.0
    unmerged = score_spans({"a": [(LL, 0, 15), (LL, 0, 15)]}, gold, merge_predictions=False)
    assert unmerged.recall == 2.0  # why merging is the default


def test_overlapping_spans_of_different_techniques_stay_apart_unless_agnostic():
    pred = {"a": [(LL, 0, 10), (NC, 5, 15)]}
    gold = {"a": [(LL, 0, 10), (NC, 5, 15)]}
    assert score_spans(pred, gold).micro.n_pred == 2
    agnostic = score_spans(pred, gold, technique_aware=False)
    assert agnostic.micro.n_pred == 1 and agnostic.micro.n_gold == 1 and agnostic.f1 == 1.0


def test_overlapping_gold_spans_of_one_technique_are_merged_touching_ones_are_not():
    assert merge_overlapping([(LL, 0, 10), (LL, 5, 20), (LL, 20, 25)]) == [(LL, 0, 20), (LL, 20, 25)]
    s = score_spans({"a": [(LL, 0, 20)]}, {"a": [(LL, 0, 10), (LL, 5, 20)]})
    assert s.micro.n_gold == 1 and s.f1 == 1.0


def test_articles_are_micro_averaged():
    gold = {"a": [(LL, 0, 10)], "b": [(LL, 0, 10), (NC, 20, 30)], "c": []}
    pred = {"a": [(LL, 0, 10)], "b": [(LL, 0, 5)], "c": [(NC, 0, 4)]}
    s = score_spans(pred, gold)
    # credit: a 1.0 (P) / 1.0 (R); b 1.0 (P) / 0.5 (R); c 0 ; NC gold in b missed
    assert s.precision == pytest.approx((1.0 + 1.0 + 0.0) / 3)
    assert s.recall == pytest.approx((1.0 + 0.5) / 3)
    assert s.per_technique[LL].precision == 1.0
    assert s.per_technique[LL].recall == pytest.approx(1.5 / 2)
    assert s.per_technique[NC].f1 == 0.0
    assert s.macro_f1 == pytest.approx((s.per_technique[LL].f1 + 0.0) / 2)


def test_predictions_for_unknown_articles_and_bad_offsets_are_errors():
    with pytest.raises(ValueError, match="no gold annotations"):
        score_spans({"zzz": [(LL, 0, 1)]}, {"a": []})
    with pytest.raises(ValueError, match="start < end"):
        score_spans({"a": [(LL, 5, 5)]}, {"a": []})


def test_extra_tuple_members_such_as_confidence_are_ignored():
    s = score_spans({"a": [(LL, 0, 10, 0.9)]}, {"a": [(LL, 0, 10)]})
    assert s.f1 == 1.0


# ---------------------------------------------------------------------------------------
# corpus reader


def test_label_lines_parse_with_exclusive_ends():
    spans = parse_label_lines(["7\tDoubt\t3\t9\n", "\n", "7\tSlogans\t10\t14"])
    assert spans == [("Doubt", 3, 9), ("Slogans", 10, 14)]
    with pytest.raises(ValueError, match="4 TAB-separated"):
        parse_label_lines(["7 Doubt 3 9"], "x.txt")
    with pytest.raises(ValueError, match="bad offsets"):
        parse_label_lines(["7\tDoubt\t9\t3"], "x.txt")


def test_reader_finds_a_folder_of_invented_files(tmp_path):
    (tmp_path / "labels").mkdir()
    (tmp_path / "articles").mkdir()
    (tmp_path / "dev-ids.txt").write_text("42\n")
    (tmp_path / "articles" / "article42.txt").write_text("An invented text.")
    (tmp_path / "labels" / "article42-labels-subtask-3.txt").write_text("42\tLoaded_Language\t3\t11\n")
    assert split_ids("dev", tmp_path) == ["42"]
    assert read_labels("42", tmp_path) == [("Loaded_Language", 3, 11)]


@needs_shared
def test_shared_data_uses_19_of_the_23_labels():
    ids = split_ids("train") + split_ids("dev")
    assert len(ids) == 536
    seen = {technique for i in ids for technique, _, _ in read_labels(i)}
    assert seen <= set(LABELS)
    assert len(seen) == 19


# ---------------------------------------------------------------------------------------
# lexicon baseline (invented sentences)


def _found(text: str, technique: str) -> list[str]:
    return [text[s.start:s.end] for s in get_detector("lexicon").detect(text) if s.technique == technique]


def test_lexicon_finds_name_calling_after_so_called():
    text = "Officials blamed the so-called Free Valley Rescuers and their foreign masters for the fire."
    spans = [s for s in get_detector("lexicon").detect(text) if s.technique == NC]
    start = text.index("so-called")
    assert any(s.start == start and s.end == start + len("so-called Free Valley Rescuers") for s in spans)


def test_lexicon_finds_doubt_in_baseless_allegations():
    text = "The ministry rejected what it called baseless allegations of shelling."
    spans = [s for s in get_detector("lexicon").detect(text) if s.technique == DB]
    start = text.index("baseless")
    assert [(s.start, s.end) for s in spans] == [(start, start + len("baseless allegations"))]


def test_lexicon_finds_appeal_to_fear_over_the_threat_clause():
    phrase = "a danger that threatens everyone without exception"
    text = f"The spokesman warned of {phrase}, and asked for calm."
    spans = [s for s in get_detector("lexicon").detect(text) if s.technique == "Appeal_to_Fear-Prejudice"]
    start = text.index(phrase)
    assert [(s.start, s.end) for s in spans] == [(start, start + len(phrase))]


def test_lexicon_finds_a_doubting_question_and_loaded_words():
    text = "Can anyone really trust the monitors? The shelling was a brutal, shameful act."
    assert _found(text, DB) == ["Can anyone really trust the monitors?"]
    assert "brutal" in _found(text, LL)[0] and any(s.startswith("shameful") for s in _found(text, LL))


def test_lexicon_offsets_hold_with_non_ascii_text():
    text = "İstanbul’da «baseless claims» were repeated."
    [span] = [s for s in get_detector("lexicon").detect(text) if s.technique == DB]
    assert text[span.start:span.end] == "baseless claims"


def test_lexicon_is_quiet_on_neutral_text_and_empty_input():
    assert get_detector("lexicon").detect("") == []
    neutral = "The committee met on Tuesday and published its report on water supplies."
    assert get_detector("lexicon").detect(neutral) == []


def test_lexicon_threshold_and_technique_filter():
    text = "The terrorists fled. Officials said it was a shameful act."
    low = {s.technique for s in get_detector("lexicon", min_confidence=0.0).detect(text)}
    default = {s.technique for s in get_detector("lexicon").detect(text)}
    assert NC in low and NC not in default  # "terrorists" is a low-confidence cue
    only = get_detector("lexicon", techniques=[DB]).detect(text)
    assert only == []


def test_every_cue_group_uses_a_taxonomy_label_and_spans_are_well_formed():
    assert {g.technique for g in CUE_GROUPS} <= set(LABELS)
    text = ("Our great nation will never bow to the so-called experts. Either we fight or we perish, "
            "and the real danger is the absolutely unprecedented lies of these thugs! Is it really possible?")
    spans = get_detector("lexicon", min_confidence=0.0).detect(text)
    assert spans
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.technique in LABELS and 0 < s.confidence <= 1
        assert text[s.start] not in " ,." and text[s.end - 1] not in " ,"


def test_registry_and_model_records():
    assert "lexicon" in available_detectors()
    with pytest.raises(KeyError, match="available: lexicon"):
        get_detector("no-such-model")
    records = technique_spans(get_detector("lexicon"), "art1", "That was a shameful act.")
    assert [(r.technique, r.start, r.end, r.producer) for r in records] == [
        (LL, 11, 23, "rhetoric.lexicon")
    ]
