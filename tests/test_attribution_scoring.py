"""The attribution scorer (hand-computed cases) and the brat loader (invented fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimscope.claims.attribution import Attribution
from claimscope.claims.polnear import load_split, parse_ann, quote_type
from claimscope.claims.scoring import CorpusScore, score_article, score_corpus, trim

FIXTURE = Path(__file__).parent / "fixtures" / "polnear_tiny"

TEXT = 'The mayor said "the bridge is safe." Critics disagreed.'
#       0123456789012345678901234567890123456789012345678901234
MAYOR, SAID, QUOTE = (0, 9), (10, 14), (15, 36)  # QUOTE includes the quote marks


def span(s: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(s)
    return i, i + len(s)


def test_trim_drops_edge_quotes_punctuation_and_space():
    assert TEXT[slice(*trim(TEXT, QUOTE))] == "the bridge is safe"
    assert trim(TEXT, (14, 15)) == (15, 15)  # only a space: empty


def test_perfect_prediction_scores_one_everywhere():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    m = score_corpus([(TEXT, gold, gold)])
    assert all(v == 1.0 for k, v in m.items() if k.endswith("_f1"))


def test_exact_match_is_after_trimming_punctuation():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    # Content without the quote marks and source with a trailing space still match exactly.
    pred = [Attribution(cue=SAID, content=span("the bridge is safe"), source=(0, 10))]
    m = score_corpus([(TEXT, gold, pred)])
    assert m["content_exact_f1"] == 1.0 and m["source_exact_f1"] == 1.0


def test_partial_content_counts_for_overlap_not_exact():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    pred = [Attribution(cue=SAID, content=span("the bridge"), source=span("mayor"))]
    counts = score_article(TEXT, gold, pred)
    # content tokens: gold the/bridge/is/safe (4), predicted the/bridge (2)
    assert (counts["content"].overlap, counts["content"].pred_tokens, counts["content"].gold_tokens) == (2, 2, 4)
    m = score_corpus([(TEXT, gold, pred)])
    assert m["content_exact_f1"] == 0.0
    assert m["content_overlap_p"] == 1.0 and m["content_overlap_r"] == 0.5
    assert m["content_overlap_f1"] == pytest.approx(2 / 3)
    # source: gold The/mayor, predicted mayor
    assert m["source_overlap_p"] == 1.0 and m["source_overlap_r"] == 0.5


def test_missing_and_spurious_attributions():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    spurious = Attribution(cue=span("disagreed"), content=span("Critics"), source=None)
    m = score_corpus([(TEXT, gold, [gold[0], spurious])])
    assert m["cue_exact_p"] == 0.5 and m["cue_exact_r"] == 1.0
    assert m["source_exact_p"] == 1.0  # a None source is not a prediction
    m = score_corpus([(TEXT, gold, [])])
    assert m["cue_exact_r"] == 0.0 and m["cue_exact_p"] == 0.0 and m["cue_exact_f1"] == 0.0


def test_counts_are_micro_summed_over_articles():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    score = CorpusScore()
    score.add(TEXT, gold, gold)  # 1 of 1
    score.add(TEXT, gold, [])  # 0 of 1
    score.add(TEXT, [], [])  # nothing
    m = score.metrics()
    assert m["cue_exact_r"] == 0.5 and m["cue_exact_p"] == 1.0
    assert score.articles == 3


def test_discontinuous_content_exact_on_hull_overlap_on_fragments():
    text = '"We will rebuild," the minister said, "starting today."'
    first, second = span('"We will rebuild,"', text), span('"starting today."', text)
    cue = span("said", text)
    gold = [Attribution(cue=cue, content=(first[0], second[1]), source=span("the minister", text),
                        extra={"content_parts": [first, second]})]
    # The same fragments predicted: exact (same hull) and every content token.
    pred = [Attribution(cue=cue, content=(first[0], second[1]), extra={"content_parts": [first, second]})]
    m = score_corpus([(text, gold, pred)])
    assert m["content_exact_f1"] == 1.0 and m["content_overlap_f1"] == 1.0
    # Only the hull predicted: exact still matches, but "the minister said" counts as wrong content tokens.
    pred = [Attribution(cue=cue, content=(first[0], second[1]))]
    m = score_corpus([(text, gold, pred)])
    assert m["content_exact_f1"] == 1.0
    assert m["content_overlap_r"] == 1.0 and m["content_overlap_p"] == pytest.approx(5 / 8)


def test_shared_span_counts_once():
    gold = [Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    pred = [Attribution(cue=SAID, content=QUOTE, source=MAYOR), Attribution(cue=SAID, content=QUOTE, source=MAYOR)]
    assert score_corpus([(TEXT, gold, pred)])["source_exact_p"] == 1.0


# ------------------------------------------------------------------ brat loader


def test_loader_reads_invented_fixture():
    articles = load_split(FIXTURE)
    assert [a.name for a in articles] == ["courier_2021-04-11_council-votes-on-night", "ledger_2021-03-02_harbour-board-rejects"]
    council, harbour = articles
    assert council.annotator == "c3d4"  # of two annotators, the id sorting first is used
    assert len(council.attributions) == 3 and len(harbour.attributions) == 3
    by_cue = {a.text(harbour.text, "cue"): a for a in harbour.attributions}
    said = by_cue["said"]
    assert said.text(harbour.text, "source") == "The Veskarian harbour board"
    assert said.text(harbour.text, "content") == "the report on the Lowmarket spill was fabricated"
    assert said.producer == "gold" and said.quote_type == "indirect"
    according = by_cue["According to"]
    assert according.source is None and according.source_kind == "anonymous"


def test_loader_discontinuous_span_becomes_hull_plus_parts():
    harbour = load_split(FIXTURE)[1]
    told = next(a for a in harbour.attributions if a.text(harbour.text, "cue") == "told the Calder Ledger")
    parts = told.extra["content_parts"]
    assert [harbour.text[s:e] for s, e in parts] == ["“We have seen nothing like it,”", "“not in forty years.”"]
    assert told.content == (parts[0][0], parts[1][1])
    assert told.text(harbour.text, "source") == "a fisherman named Oren Talv"


def test_loader_multiline_covered_text_and_discard():
    council = load_split(FIXTURE)[0]
    added = next(a for a in council.attributions if a.text(council.text, "cue") == "added")
    assert added.text(council.text, "content") == '"It will be lifted in May,\nas promised,"'
    assert added.quote_type == "direct"


def test_parse_ann_content2_and_events_without_content():
    text = "Aides said the plan works and that it is cheap."
    ann = (
        "T1\tSource 0 5\tAides\nT2\tCue 6 10\tsaid\nT3\tContent 11 25\tthe plan works\n"
        "T4\tContent 30 47\tthat it is cheap.\nT5\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T5 Source:T1 Cue:T2 Content:T3 Content2:T4\n"
        "E2\tAttribution-no-source:T5\n"
    )
    attributions, skipped = parse_ann(ann, text)
    assert skipped == ["E2"]
    (a,) = attributions
    assert a.content == (11, 47) and a.extra["content_parts"] == [(11, 25), (30, 47)]


def test_parse_ann_reports_bad_offsets_with_location():
    with pytest.raises(ValueError, match=r"x\.ann:1: span 0-99 outside the text"):
        parse_ann("T1\tCue 0 99\tsaid\n", "short", where="x.ann")


def test_load_split_names_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="needs text/ and attributions/"):
        load_split(tmp_path)


@pytest.mark.parametrize("content,kind", [("“It is over.”", "direct"), ("that “it is over”", "mixed"), ("that it is over", "indirect")])
def test_quote_type(content, kind):
    assert quote_type(content) == kind
