"""Read the persuasion-technique corpus (SemEval-2023 Task 3 / CheckThat! 2024 format).

Layout under ``<shared>/data/persuasion/``::

    articles/article<ID>.txt                   the article text
    labels/article<ID>-labels-subtask-3.txt    id<TAB>technique<TAB>start<TAB>end, end exclusive
    train-ids.txt, dev-ids.txt                 one article id per line

The data is research material read at training and benchmark time only; nothing here
copies it into the repository. ``<shared>`` is ``$CLAIMSCOPE_SHARED`` if set, otherwise
``../shared`` next to the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

from .scoring import SpanTuple

REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """The shared research folder (holds ``data/`` and ``seeds/``)."""
    override = os.environ.get("CLAIMSCOPE_SHARED")
    return Path(override) if override else REPO_ROOT.parent / "shared"


def persuasion_dir() -> Path:
    return shared_dir() / "data" / "persuasion"


def read_ids(path: str | Path) -> list[str]:
    """Article ids from an id list (one per line, blank lines ignored)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"article id list not found: {path}")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_ids(split: str, root: str | Path | None = None) -> list[str]:
    """Ids of the ``train`` or ``dev`` split."""
    if split not in ("train", "dev"):
        raise ValueError(f"unknown split {split!r}: expected 'train' or 'dev'")
    return read_ids(Path(root or persuasion_dir()) / f"{split}-ids.txt")


def read_article(article_id: str, root: str | Path | None = None) -> str:
    path = Path(root or persuasion_dir()) / "articles" / f"article{article_id}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"article text not found: {path}")
    return path.read_text(encoding="utf-8")


def parse_label_lines(lines: list[str], source: str = "<labels>") -> list[SpanTuple]:
    """Parse ``id<TAB>technique<TAB>start<TAB>end`` rows into (technique, start, end)."""
    spans: list[SpanTuple] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) != 4:
            raise ValueError(f"{source}:{number}: expected 4 TAB-separated columns, found {len(cols)}")
        _, technique, start, end = cols
        try:
            span = (technique.strip(), int(start), int(end))
        except ValueError:
            raise ValueError(f"{source}:{number}: start/end are not integers: {start!r}, {end!r}") from None
        if span[1] < 0 or span[2] <= span[1]:
            raise ValueError(f"{source}:{number}: bad offsets [{span[1]}, {span[2]})")
        spans.append(span)
    return spans


def read_labels(article_id: str, root: str | Path | None = None) -> list[SpanTuple]:
    """Gold spans of one article; an empty label file means no spans."""
    path = Path(root or persuasion_dir()) / "labels" / f"article{article_id}-labels-subtask-3.txt"
    if not path.is_file():  # every article has a label file, even if empty: a missing one is a path error
        raise FileNotFoundError(f"label file not found: {path}")
    return parse_label_lines(path.read_text(encoding="utf-8").splitlines(), str(path))


def load_split(split: str, root: str | Path | None = None) -> tuple[dict[str, str], dict[str, list[SpanTuple]]]:
    """``(texts, gold)`` for a split: article id -> text, article id -> gold spans."""
    ids = split_ids(split, root)
    texts = {i: read_article(i, root) for i in ids}
    gold = {i: read_labels(i, root) for i in ids}
    return texts, gold
