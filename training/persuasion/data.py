"""Training examples for the persuasion span model: wordpieces, multi-hot piece labels, windows.

An article is encoded exactly as the runtime reads it (``claimscope.rhetoric.model``:
whole-text tokenisation with offsets, a ``[SEP]`` marker piece at every line break). A
piece is labelled with technique t when its characters overlap a gold span of t, and with
``ANY`` when they overlap any gold span; marker pieces carry no label (masked in the loss).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from claimscope.rhetoric.model import ANY, Encoded, encode_texts, window_starts


@dataclass
class Example:
    """One training window: ``[CLS] pieces [SEP]`` ids, targets [len, labels], loss mask [len]."""

    ids: np.ndarray  # int64 [len]
    targets: np.ndarray  # float32 [len, labels]
    valid: np.ndarray  # float32 [len]: 1 for real pieces, 0 for [CLS]/[SEP]/markers


def label_set(gold: dict[str, list], order: Sequence[str]) -> list[str]:
    """Techniques that occur in ``gold``, in taxonomy ``order``, then ``ANY``."""
    seen = {t for spans in gold.values() for t, *_ in spans}
    unknown = seen - set(order)
    if unknown:
        raise ValueError(f"gold spans use labels outside the taxonomy: {sorted(unknown)}")
    return [t for t in order if t in seen] + [ANY]


def piece_targets(enc: Encoded, spans: Sequence, labels: Sequence[str]) -> np.ndarray:
    """Multi-hot [pieces, labels]: which techniques' gold spans each piece overlaps."""
    index = {label: k for k, label in enumerate(labels)}
    n = len(enc.ids)
    y = np.zeros((n, len(labels)), dtype=np.float32)
    if n == 0:
        return y
    starts = np.array([o[0] if o is not None else -1 for o in enc.offsets])
    ends = np.array([o[1] if o is not None else -1 for o in enc.offsets])
    real = starts >= 0
    for technique, start, end, *_ in spans:
        if technique not in index:
            continue  # a technique absent from training has no output
        hit = real & (starts < end) & (ends > start)
        y[hit, index[technique]] = 1.0
        y[hit, index[ANY]] = 1.0
    return y


def build_examples(tokenizer, texts: Sequence[str], golds: Sequence[Sequence], labels: Sequence[str],
                   window: int) -> list[Example]:
    """Windows of at most ``window`` ids (incl. [CLS]/[SEP]) covering every article once
    (the last window of an article is moved back to end at its last piece)."""
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    body = window - 2
    examples = []
    for enc, spans in zip(encode_texts(tokenizer, texts, sep_id), golds):
        if not enc.ids:
            continue
        y = piece_targets(enc, spans, labels)
        marker = np.array([o is None for o in enc.offsets])
        for s in window_starts(len(enc.ids), body, body):
            e = min(s + body, len(enc.ids))
            ids = np.array([cls_id, *enc.ids[s:e], sep_id], dtype=np.int64)
            targets = np.zeros((len(ids), len(labels)), dtype=np.float32)
            targets[1:-1] = y[s:e]
            valid = np.zeros(len(ids), dtype=np.float32)
            valid[1:-1] = ~marker[s:e]
            examples.append(Example(ids, targets, valid))
    return examples


def label_prevalence(examples: Sequence[Example]) -> np.ndarray:
    """Share of valid pieces carrying each label (for loss weights and head bias init)."""
    pos = sum(ex.targets[ex.valid > 0].sum(axis=0) for ex in examples)
    total = sum(float(ex.valid.sum()) for ex in examples)
    return np.asarray(pos, dtype=np.float64) / max(total, 1.0)
