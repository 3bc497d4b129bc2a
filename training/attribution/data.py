"""Training examples for the attribution tagger: gold attributions → wordpiece BIO labels.

Torch-free, so the label encoding can be checked (and the decoding upper bound measured)
without training anything. Tokenisation, paragraph markers and windowing come from the
runtime module, so training and inference read articles identically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from claimscope.claims.attribution import Attribution
from claimscope.claims.polnear import BratArticle
from claimscope.claims.scoring import role_parts
from claimscope.nn.attribution import LABELS, PARAGRAPH, EncodedArticle, encode_articles

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CLAIMSCOPE_SHARED", REPO_ROOT.parent / "shared")).resolve()
POLNEAR = SHARED / "data" / "attribution" / "polnear"

_ROLE_CODE = {"source": 1, "cue": 2, "content": 3}
_B = {1: LABELS.index("B-SOURCE"), 2: LABELS.index("B-CUE"), 3: LABELS.index("B-CONTENT")}
IGNORE = -100  # label of positions that take no loss ([CLS], [SEP], padding)


def char_roles(text: str, attributions: Sequence[Attribution]) -> tuple[np.ndarray, np.ndarray]:
    """Per character: role code (0 none, 1 source, 2 cue, 3 content) and fragment id.

    PolNeAR is meant to give each token one role; where annotations overlap anyway (a few
    thousand characters in train), cue wins over source, and source over content, because
    an attribution nested in a content is the more specific reading.
    """
    role = np.zeros(len(text), dtype=np.int8)
    frag = np.full(len(text), -1, dtype=np.int64)
    next_id = 0
    for name in ("content", "source", "cue"):  # later roles overwrite earlier ones
        for a in attributions:
            for start, end in role_parts(a, name):
                role[start:end] = _ROLE_CODE[name]
                frag[start:end] = next_id
                next_id += 1
    return role, frag


def piece_labels(enc: EncodedArticle, text: str, attributions: Sequence[Attribution]) -> list[int]:
    """BIO label index for each wordpiece.

    A piece takes the role of its first annotated character. A paragraph marker inside a
    fragment (same fragment on both sides) is ``I-X``, so multi-paragraph quotes stay one
    span; otherwise it is ``O``.
    """
    role, frag = char_roles(text, attributions)
    codes: list[tuple[int, int] | None] = []
    for off in enc.offsets:
        if off is PARAGRAPH:
            codes.append(None)
            continue
        hit = next((c for c in range(off[0], off[1]) if role[c]), None)
        codes.append((0, -1) if hit is None else (int(role[hit]), int(frag[hit])))
    for i, code in enumerate(codes):
        if code is None:
            before = codes[i - 1] if i > 0 else None
            after = codes[i + 1] if i + 1 < len(codes) else None
            same = before is not None and after is not None and before[1] != -1 and before[1] == after[1]
            codes[i] = before if same else (0, -1)
    labels = []
    prev_frag = -1
    for code, fid in codes:
        if fid == -1:
            labels.append(0)
        else:
            labels.append(_B[code] if fid != prev_frag else _B[code] + 1)
        prev_frag = fid
    return labels


def encode_corpus(tokenizer, articles: Sequence[BratArticle], marker_id: int) -> list[tuple[EncodedArticle, list[int]]]:
    encoded = encode_articles(tokenizer, [a.text for a in articles], marker_id)
    return [(enc, piece_labels(enc, a.text, a.attributions)) for enc, a in zip(encoded, articles)]
