"""Reading the CLEF CheckThat! 2024 Task 1 TSV files (``Sentence_id, Text, class_label``).

Shared by ``train.py`` and ``bench/checkworthy.py`` so both read the data the same way.
The published files have CRLF line ends in dev/dev-test and, in train, one line where two
rows were glued together (``...\tNo29286\t...``); both are repaired here rather than
silently dropping sentences.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LABELS = ("No", "Yes")  # index 1 is the check-worthy class

# A label immediately followed by the next row's Sentence_id, as in the glued train line.
_GLUED_LABEL = re.compile(r"^(Yes|No)(\d+)$")


@dataclass(frozen=True)
class Example:
    sentence_id: str
    text: str
    label: int  # 1 = Yes (check-worthy), 0 = No


def shared_data_dir() -> Path:
    """``$CLAIMSCOPE_SHARED/data`` if set, else ``../shared/data`` beside the repository."""
    base = os.environ.get("CLAIMSCOPE_SHARED")
    return (Path(base) if base else REPO_ROOT.parent / "shared") / "data"


def default_split_path(split: str) -> Path:
    """Path of ``train``, ``dev`` or ``dev-test`` in the shared data folder."""
    return shared_data_dir() / "checkworthy" / f"CT24_checkworthy_english_{split}.tsv"


def _label_index(raw: str, where: str) -> int:
    try:
        return LABELS.index(raw.strip())
    except ValueError:
        raise ValueError(f"{where}: class_label must be Yes or No, got {raw!r}") from None


def read_tsv(path: Path) -> list[Example]:
    """All rows of one CT24 TSV file, header skipped, glued rows split apart."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"check-worthiness data not found: {path} (set CLAIMSCOPE_SHARED or pass a path)")
    examples: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("Sentence_id"):
        raise ValueError(f"{path}: expected a header line starting with 'Sentence_id'")
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        where = f"{path}:{lineno}"
        while fields:
            if len(fields) < 3:
                raise ValueError(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
            sid, text, label = fields[0], fields[1], fields[2]
            glued = _GLUED_LABEL.match(label.strip())
            if glued:  # the next row's id is stuck to this row's label
                examples.append(Example(sid, text, _label_index(glued.group(1), where)))
                fields = [glued.group(2), *fields[3:]]
                continue
            examples.append(Example(sid, text, _label_index(label, where)))
            fields = fields[3:]
    return examples
