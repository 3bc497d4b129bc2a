"""Ranking the candidates of a similar-claim search (claimscope.index.ranking)."""

from __future__ import annotations

import numpy as np
import pytest

from claimscope.index import ranking
from claimscope.index.ranking import bm25_within, first_stage, rank


def test_bm25_scores_shared_rare_words_and_ignores_case():
    texts = ["Helicopters dropped chlorine on Lowmarket", "The weather in the capital was mild",
             "the ministry said the the the"]
    scores = bm25_within("CHLORINE over lowmarket", texts)
    assert scores[0] > 0 and scores[1] == 0 and scores[2] == 0


def test_bm25_rare_word_outweighs_common_one():
    texts = ["the report said Lowmarket", "the report said today", "the report said so"]
    scores = bm25_within("the Lowmarket", texts)
    assert scores[0] > scores[1] == scores[2] > 0


def test_bm25_of_nothing():
    assert bm25_within("anything", []).shape == (0,)
    assert bm25_within("", ["a text"]).tolist() == [0.0]


def test_first_stage_breaks_a_cosine_tie_by_words():
    texts = ["Rebels staged the gas attack in Port Calder", "Officials met to discuss the harvest"]
    scores = first_stage("gas attack in Port Calder was staged", texts, [0.5, 0.5])
    assert scores[0] > scores[1] == pytest.approx(0.5)
    # words never add more than LEXICAL_WEIGHT, so a much closer meaning still wins
    scores = first_stage("gas attack in Port Calder was staged", texts, [0.3, 0.9])
    assert scores[1] > scores[0]


def test_rank_without_a_reranker_is_the_first_stage(monkeypatch):
    monkeypatch.setattr(ranking, "_reranker", lambda: None)
    texts = ["unrelated text", "chlorine on Lowmarket quarter", "chlorine somewhere"]
    order = rank("chlorine Lowmarket", texts, [0.40, 0.40, 0.41])
    assert [r.position for r in order] == [1, 2, 0]
    assert order[0].score > order[1].score > order[2].score


class FakeReranker:
    candidates = ranking.RERANK_DEPTH
    first_stage_bm25_weight = ranking.LEXICAL_WEIGHT

    def __init__(self):
        self.calls = []

    def fuse(self, logits, first_stage):
        return logits  # the re-ranker alone decides, so the test sees its order

    def score(self, query, candidates):
        self.calls.append(list(candidates))
        return np.array([1.0 if "!" in c else 0.0 for c in candidates], dtype=np.float32)


def test_reranker_reorders_only_the_head(monkeypatch):
    fake = FakeReranker()
    monkeypatch.setattr(ranking, "_reranker", lambda: fake)
    n = ranking.RERANK_DEPTH + 5
    texts = [f"claim number {i}" for i in range(n)]
    texts[3] = "the ministry denied it!"
    texts[-1] = "the army denied it too!"  # the re-ranker would like it, but it is not in the head
    cosines = np.linspace(0.9, 0.1, n)
    order = rank("an unrelated query", texts, cosines)  # no shared words: the first stage is the cosine
    assert order[0].position == 3
    head = {r.position for r in order[:ranking.RERANK_DEPTH]}
    assert n - 1 not in head  # outside the re-ranked head, whatever its words
    assert len(fake.calls) == 1 and len(fake.calls[0]) == ranking.RERANK_DEPTH
    assert sorted(r.position for r in order) == list(range(n))


def test_reranker_config_sets_depth_and_lexical_weight(monkeypatch):
    fake = FakeReranker()
    fake.candidates, fake.first_stage_bm25_weight = 3, 0.0
    monkeypatch.setattr(ranking, "_reranker", lambda: fake)
    rank("chlorine", ["a", "b chlorine", "c", "d", "e"], [0.5, 0.4, 0.3, 0.2, 0.1])
    assert fake.calls == [["a", "b chlorine", "c"]]  # no word bonus lifted "b chlorine" first


def test_rank_can_skip_the_reranker(monkeypatch):
    fake = FakeReranker()
    monkeypatch.setattr(ranking, "_reranker", lambda: fake)
    rank("denied", ["a", "denied!"], [0.9, 0.1], rerank=False)
    assert fake.calls == []


def test_shipped_reranker_if_present_is_used_by_default():
    reranker = ranking._reranker()
    if reranker is None:
        pytest.skip("no re-ranker model shipped in claimscope/models/reranker")
    order = rank("Veskaria denied dropping chlorine on Lowmarket",
                 ["The harvest festival opened in the capital on Sunday.",
                  "Veskaria's ministry denied that its helicopters dropped chlorine on Lowmarket."],
                 [0.5, 0.5])
    assert order[0].position == 1
