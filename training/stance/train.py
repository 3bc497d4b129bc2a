"""Stance model: FNC-1 (headline, body) -> agree / disagree / discuss / unrelated.

    .venv/bin/python training/stance/train.py --out src/claimscope/models/stance

Data: FNC-1 train (``../shared/data/stance/fnc1_train_{stances,bodies}.csv``). Every design
is scored by 5-fold cross-validation with folds split by body id (no body in two folds);
the design with the best out-of-fold macro-F1 is refitted on all of train and exported as
plain numpy arrays (``model.npz``), with ``vocab.json``, ``config.json`` and ``scores.json``.
The FNC-1 competition test set is scored too when its CSVs are in the data folder.

Designs (``--designs``, comma-separated; see MODEL_CARD.md for their scores):

* ``hand_hgb``      hand features (TF-IDF sentence similarity, overlap, cue words) -> gradient-boosted trees
* ``tf_mlp``        UCLMR-style headline and body term-frequency vectors + TF-IDF cosine -> MLP
* ``tf_hand_mlp``   both of the above as one MLP input
* ``blend``         mean of ``hand_hgb`` and ``tf_hand_mlp`` probabilities
* ``*_emb``         variants with all-MiniLM-L6-v2 sentence-similarity features added (``--encoder``)

Fixed seed; numpy + scikit-learn at training time only (the runtime reads the arrays).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

from data import DEFAULT_DATA, LABELS, body_folds, read_arc, read_fnc  # noqa: E402

from claimscope.stance.features import (TextRep, Vocabulary, attach_vectors, embedding_features,  # noqa: E402
                                        hand_features)
from claimscope.stance.numpy_models import MLP, TreeEnsemble  # noqa: E402
from claimscope.stance.text import content_stems, tokens  # noqa: E402

SEED = 1701
DEFAULT_OUT = REPO / "src" / "claimscope" / "models" / "stance"
ALL_DESIGNS = ("hand_hgb", "tf_mlp", "tf_hand_mlp", "blend")


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


# ----------------------------------------------------------------------------------- metrics

def scores(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    f1s = []
    for k, name in enumerate(LABELS):
        tp = int(((pred == k) & (gold == k)).sum())
        fp = int(((pred == k) & (gold != k)).sum())
        fn = int(((pred != k) & (gold == k)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        out[f"f1_{name}"] = round(f1, 4)
        f1s.append(f1)
    out["macro_f1"] = round(float(np.mean(f1s)), 4)
    out["accuracy"] = round(float((gold == pred).mean()), 4)
    out["fnc_score"] = round(fnc_score(gold, pred), 4)
    return out


def fnc_score(gold: np.ndarray, pred: np.ndarray) -> float:
    """The FNC-1 weighted score relative to a perfect submission (0.25 related/unrelated, +0.75 exact)."""
    unrelated = LABELS.index("unrelated")
    score = np.where(gold == pred, 0.25, 0.0)
    related_gold, related_pred = gold != unrelated, pred != unrelated
    score = np.where(related_gold & related_pred & (gold != pred), 0.25, score)
    score = np.where(related_gold & (gold == pred), 1.0, score)
    best = np.where(related_gold, 1.0, 0.25)
    return float(score.sum() / best.sum())


# ----------------------------------------------------------------------------------- features

class FeatureSet:
    """Per-pair feature matrices built from per-text representations computed once."""

    def __init__(self, headlines: list[str], bodies: list[str], vocab: Vocabulary, encode=None):
        t0 = time.time()
        head_texts = sorted(set(headlines))
        body_texts = sorted(set(bodies))
        head_reps = {t: TextRep(t, vocab, split=False) for t in head_texts}
        body_reps = {t: TextRep(t, vocab, split=True) for t in body_texts}
        log(f"text representations: {len(head_reps)} headlines, {len(body_reps)} bodies ({time.time() - t0:.0f}s)")
        self.emb = None
        if encode is not None:
            t1 = time.time()
            attach_vectors(list(head_reps.values()), encode, headline=True)
            attach_vectors(list(body_reps.values()), encode, headline=False)
            log(f"sentence vectors ({time.time() - t1:.0f}s)")
        hand, emb = [], []
        self.hand_names: list[str] = []
        self.emb_names: list[str] = []
        for h, b in zip(headlines, bodies):
            values, self.hand_names = hand_features(head_reps[h], body_reps[b])
            hand.append(values)
            if encode is not None:
                evalues, self.emb_names = embedding_features(head_reps[h], body_reps[b])
                emb.append(evalues)
        self.hand = np.asarray(hand, dtype=np.float64)
        if encode is not None:
            self.emb = np.asarray(emb, dtype=np.float64)
        # term-frequency rows, one per unique text, gathered per pair as sparse matrices
        from scipy import sparse

        head_index = {t: i for i, t in enumerate(head_texts)}
        body_index = {t: i for i, t in enumerate(body_texts)}
        head_tf = sparse.csr_matrix(np.stack([head_reps[t].tf for t in head_texts]))
        body_tf = sparse.csr_matrix(np.stack([body_reps[t].tf for t in body_texts]))
        self.head_tf = head_tf[[head_index[h] for h in headlines]]
        self.body_tf = body_tf[[body_index[b] for b in bodies]]
        log(f"pair features: {self.hand.shape[1]} hand, {0 if self.emb is None else self.emb.shape[1]} embedding, "
            f"{self.head_tf.shape[1]}x2 term frequencies ({time.time() - t0:.0f}s)")

    def dense(self, use_emb: bool) -> np.ndarray:
        if use_emb:
            if self.emb is None:
                raise ValueError("an *_emb design needs --encoder")
            return np.hstack([self.hand, self.emb])
        return self.hand

    def names(self, use_emb: bool) -> list[str]:
        return self.hand_names + (self.emb_names if use_emb else [])


def class_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Per-sample weights (n / (K n_c)) ** power: 0 = unweighted, 1 = fully balanced."""
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    per_class = (len(y) / (len(LABELS) * np.maximum(counts, 1))) ** power
    return per_class[y]


# ----------------------------------------------------------------------------------- designs

class Scaler:
    def __init__(self, x: np.ndarray):
        self.mean = x.mean(axis=0)
        self.std = x.std(axis=0) + 1e-6

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std


def expand(probs: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Probabilities over all four labels when a (tiny) training fold lacked some class."""
    out = np.zeros((probs.shape[0], len(LABELS)))
    out[:, classes] = probs
    return out


def fit_hgb(x: np.ndarray, y: np.ndarray, args) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(max_iter=args.hgb_iter, learning_rate=0.08, max_leaf_nodes=31,
                                           min_samples_leaf=20, l2_regularization=1.0, random_state=SEED,
                                           early_stopping=False)
    model.fit(x, y, sample_weight=class_weights(y, args.weight_power))
    trees = TreeEnsemble.from_sklearn(model)
    trees.classes = model.classes_
    return trees


def fit_mlp(x, y: np.ndarray, args) -> MLP:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # a fixed epoch budget is the point
    model = MLPClassifier(hidden_layer_sizes=(args.hidden,), alpha=args.l2, batch_size=256, learning_rate_init=1e-3,
                          max_iter=args.mlp_epochs, random_state=SEED, early_stopping=False, n_iter_no_change=1000,
                          tol=0.0)
    model.fit(x, y, sample_weight=class_weights(y, args.weight_power))
    mlp = MLP(model.coefs_, model.intercepts_)
    mlp.classes = model.classes_
    return mlp


def mlp_input(fs: FeatureSet, rows, use_hand: bool, use_emb: bool, scaler: Scaler | None):
    from scipy import sparse

    parts = [fs.head_tf[rows], fs.body_tf[rows],
             sparse.csr_matrix(fs.hand[rows][:, :1])]  # cos_body is the first hand feature
    if use_hand:
        parts.append(sparse.csr_matrix(scaler(fs.dense(use_emb)[rows])))
    return sparse.hstack(parts).tocsr()


class Fitted:
    """A fitted design: predict_proba on pair rows of a FeatureSet, and its exportable parts."""

    def __init__(self, design: str, fs: FeatureSet, rows: np.ndarray, y: np.ndarray, args):
        self.design = design
        self.use_emb = design.endswith("_emb")
        base = design[:-4] if self.use_emb else design
        self.hgb = self.mlp = self.scaler = None
        self.use_hand_in_mlp = base in ("tf_hand_mlp", "blend")
        if base in ("hand_hgb", "blend"):
            self.hgb = fit_hgb(fs.dense(self.use_emb)[rows], y, args)
        if base in ("tf_mlp", "tf_hand_mlp", "blend"):
            self.scaler = Scaler(fs.dense(self.use_emb)[rows])
            self.mlp = fit_mlp(mlp_input(fs, rows, self.use_hand_in_mlp, self.use_emb, self.scaler), y, args)
        if self.hgb is None and self.mlp is None:
            raise ValueError(f"unknown design {design!r}; choose from {ALL_DESIGNS} (optionally with _emb)")

    def predict_proba(self, fs: FeatureSet, rows: np.ndarray) -> np.ndarray:
        probs = []
        if self.hgb is not None:
            probs.append(expand(self.hgb.predict_proba(fs.dense(self.use_emb)[rows]), self.hgb.classes))
        if self.mlp is not None:
            x = mlp_input(fs, rows, self.use_hand_in_mlp, self.use_emb, self.scaler)
            probs.append(expand(self.mlp.predict_proba(x.toarray()), self.mlp.classes))
        return np.mean(probs, axis=0)


# ----------------------------------------------------------------------------------- main

def cross_validate(design, fs, y, folds, args) -> tuple[dict, np.ndarray]:
    oof = np.zeros((len(y), len(LABELS)))
    for k in range(args.folds):
        t0 = time.time()
        train_rows, test_rows = np.where(folds != k)[0], np.where(folds == k)[0]
        model = Fitted(design, fs, train_rows, y[train_rows], args)
        oof[test_rows] = model.predict_proba(fs, test_rows)
        log(f"  {design} fold {k + 1}/{args.folds} macro-F1 {scores(y[test_rows], oof[test_rows].argmax(1))['macro_f1']:.4f}"
            f" ({time.time() - t0:.0f}s)")
    scored = folds >= 0  # extra (ARC) pairs have fold -1: always trained on, never scored
    return scores(y[scored], oof[scored].argmax(1)), oof


def export(model: Fitted, fs: FeatureSet, vocab: Vocabulary, out: Path, meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    if model.hgb is not None:
        arrays.update(model.hgb.to_arrays("hgb_"))
    if model.mlp is not None:
        arrays.update(model.mlp.to_arrays("mlp_"))
        arrays["scale_mean"] = model.scaler.mean
        arrays["scale_std"] = model.scaler.std
    np.savez_compressed(out / "model.npz", **arrays)
    (out / "vocab.json").write_text(json.dumps(vocab.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    config = {"labels": list(LABELS), "design": model.design, "uses_embeddings": model.use_emb,
              "mlp_uses_hand": model.use_hand_in_mlp, "feature_names": fs.names(model.use_emb),
              "vocab_size": len(vocab.terms), **meta}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the FNC-1 CSVs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--designs", default=",".join(ALL_DESIGNS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--split", choices=("body", "strict"), default="body",
                        help="body: folds by body id (the reported measure); strict: a diagnostic where test pairs "
                             "have both a headline and a body unseen in training (the FNC-1 test situation)")
    parser.add_argument("--vocab-size", type=int, default=5000)
    parser.add_argument("--hgb-iter", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--mlp-epochs", type=int, default=8)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--weight-power", type=float, default=0.5, help="class weighting, 0 none .. 1 balanced")
    parser.add_argument("--encoder", type=Path, default=None,
                        help="folder with model.onnx + tokenizer.json of a sentence encoder (for *_emb designs)")
    parser.add_argument("--no-export", action="store_true", help="cross-validate only")
    parser.add_argument("--extra", choices=("none", "arc"), default="none",
                        help="arc: add ARC train pairs (arc_stances_train.csv) to the training side of every fold")
    parser.add_argument("--no-cv", action="store_true",
                        help="fit the first design on all train and export it without cross-validation (quick checks)")
    return parser.parse_args(argv)


HYPER_PARAMETERS = ("extra", "folds", "vocab_size", "hgb_iter", "hidden", "mlp_epochs", "l2", "weight_power")


def sentence_encoder(folder: Path):
    """Unit sentence vectors from an exported encoder folder (model.onnx + tokenizer.json)."""
    from claimscope.nn.onnx_runtime import OnnxTextModel

    for name in ("model.onnx", "tokenizer.json"):
        if not (folder / name).is_file():
            sys.exit(f"--encoder {folder}: {name} is missing (export one with training/stance/export_encoder.py)")
    model = OnnxTextModel((folder / "model.onnx").read_bytes(), (folder / "tokenizer.json").read_text(),
                          max_length=128, batch_size=64, name="stance-encoder")

    def encode(texts):
        v = model.logits(texts).astype(np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return encode


def strict_folds(headlines: list[str], body_ids: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Headline groups and body groups; fold k tests pairs with both in group k and trains on
    pairs with neither in group k (pairs mixing the two are left out of that fold)."""
    head_group = np.asarray(body_folds(headlines, k, SEED + 1))
    body_group = np.asarray(body_folds(body_ids, k, SEED))
    return head_group, body_group


def run(args: argparse.Namespace) -> dict:
    np.random.seed(SEED)
    t_start = time.time()
    train = read_fnc(args.data, "train")
    test = read_fnc(args.data, "test")
    y = np.asarray(train.labels)
    log(f"FNC-1 train: {len(y)} pairs, {len(train.bodies)} bodies; class counts "
        f"{dict(zip(LABELS, np.bincount(y, minlength=4).tolist()))}; test set {'present' if test else 'absent'}")
    bodies = [train.bodies[b] for b in train.body_ids]
    n_fnc = len(y)
    headlines, body_ids = list(train.headlines), list(train.body_ids)
    if args.extra == "arc":
        # ARC (user posts, same labels, many explicit disagreements) only ever joins the training side
        arc = read_arc(args.data)
        headlines += arc.headlines
        body_ids += [f"arc:{b}" for b in arc.body_ids]
        bodies += [arc.bodies[b] for b in arc.body_ids]
        y = np.concatenate([y, np.asarray(arc.labels)])
        log(f"ARC train added to the training side: {len(arc.labels)} pairs")
    # vocabulary and IDF from every training text: label-free, as in the UCLMR FNC-1 system
    vocab = Vocabulary.fit((content_stems(tokens(t)) for t in sorted(set(headlines)) + sorted(set(bodies))),
                           size=args.vocab_size)
    encode = sentence_encoder(args.encoder) if args.encoder else None
    fs = FeatureSet(headlines, bodies, vocab, encode)
    extra = np.full(len(y) - n_fnc, -1)
    if args.split == "body":
        folds = np.concatenate([np.asarray(body_folds(train.body_ids, args.folds, SEED)), extra])
    else:
        head_group, body_group = strict_folds(train.headlines, train.body_ids, args.folds)
        head_group, body_group = np.concatenate([head_group, extra]), np.concatenate([body_group, extra])

    results: dict[str, dict] = {}
    designs = [d.strip() for d in args.designs.split(",") if d.strip()]
    if args.no_cv:
        results[designs[0]] = {"macro_f1": None, "note": "not cross-validated (--no-cv)"}
        designs = []
    for design in designs:
        t0 = time.time()
        if args.split == "body":
            results[design], _ = cross_validate(design, fs, y, folds, args)
        else:
            results[design] = cross_validate_strict(design, fs, y, head_group, body_group, args)
        results[design]["cv_seconds"] = round(time.time() - t0, 1)
        log(f"{design}: {results[design]}")
    best = max(results, key=lambda d: results[d]["macro_f1"] or 0.0)
    log(f"best design by CV macro-F1: {best}")
    summary = {"cv": results, "best": best, "folds": args.folds, "seed": SEED,
               "split": "folds by body id" if args.split == "body" else "strict: unseen headline and body",
               "train_pairs": int(n_fnc), "extra_training_pairs": int(len(y) - n_fnc), "extra": args.extra,
               "hyper_parameters": {k: getattr(args, k) for k in HYPER_PARAMETERS}}
    if args.no_export:
        return summary
    all_rows = np.arange(len(y))
    missing = [LABELS[k] for k in range(len(LABELS)) if not (y == k).any()]
    if missing:
        sys.exit(f"cannot export: the training data has no pair labelled {missing}")
    final = Fitted(best, fs, all_rows, y, args)
    if test is not None:
        test_bodies = [test.bodies[b] for b in test.body_ids]
        test_fs = FeatureSet(test.headlines, test_bodies, vocab, encode)
        test_pred = final.predict_proba(test_fs, np.arange(len(test.labels))).argmax(1)
        summary["test"] = scores(np.asarray(test.labels), test_pred)
        log(f"competition test: {summary['test']}")
    summary["train_seconds"] = round(time.time() - t_start, 1)
    export(final, fs, vocab, args.out, {"seed": SEED, "trained": time.strftime("%Y-%m-%d"),
                                        "cv_macro_f1": results[best]["macro_f1"],
                                        "hyper_parameters": summary["hyper_parameters"]})
    (args.out / "scores.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def cross_validate_strict(design, fs, y, head_group, body_group, args) -> dict:
    gold, pred = [], []
    for k in range(args.folds):
        train_rows = np.where((head_group != k) & (body_group != k))[0]
        test_rows = np.where((head_group == k) & (body_group == k))[0]
        model = Fitted(design, fs, train_rows, y[train_rows], args)
        p = model.predict_proba(fs, test_rows).argmax(1)
        log(f"  {design} strict fold {k + 1}/{args.folds}: {len(train_rows)} train, {len(test_rows)} test pairs, "
            f"macro-F1 {scores(y[test_rows], p)['macro_f1']:.4f}")
        gold.append(y[test_rows])
        pred.append(p)
    return scores(np.concatenate(gold), np.concatenate(pred))


def main(argv=None) -> int:
    summary = run(parse_args(argv))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
