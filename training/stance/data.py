"""Reading FNC-1 (and the same-format ARC corpus) and splitting it into body-disjoint folds.

The CSVs are read as published: ``*_stances*.csv`` (Headline, Body ID, Stance) and
``*_bodies.csv`` (Body ID, articleBody). Nothing from them is written to the repository.
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CLAIMSCOPE_SHARED", REPO.parent / "shared")).resolve()
DEFAULT_DATA = SHARED / "data" / "stance"
LABELS = ("agree", "disagree", "discuss", "unrelated")  # FNC-1 order


@dataclass
class Pairs:
    headlines: list[str]  # one per pair
    body_ids: list[str]
    labels: list[int]  # index into LABELS, -1 when unlabelled
    bodies: dict[str, str]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise FileNotFoundError(f"stance data file not found: {path} (set CLAIMSCOPE_SHARED or pass --data)")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_pairs(stances_csv: Path, bodies_csv: Path) -> Pairs:
    bodies = {row["Body ID"]: row["articleBody"] for row in _read_csv(bodies_csv)}
    heads, ids, labels = [], [], []
    for n, row in enumerate(_read_csv(stances_csv), start=2):
        if row["Body ID"] not in bodies:
            raise ValueError(f"{stances_csv}:{n}: body id {row['Body ID']!r} is not in {bodies_csv.name}")
        stance = (row.get("Stance") or "").strip().lower()
        if stance and stance not in LABELS:
            raise ValueError(f"{stances_csv}:{n}: unknown stance {stance!r}; expected one of {LABELS}")
        heads.append(row["Headline"])
        ids.append(row["Body ID"])
        labels.append(LABELS.index(stance) if stance else -1)
    return Pairs(heads, ids, labels, bodies)


def read_fnc(data_dir: Path, split: str = "train") -> Pairs | None:
    """FNC-1 train, or the competition test set (``competition_test_*``) when present; None if absent."""
    if split == "train":
        return read_pairs(data_dir / "fnc1_train_stances.csv", data_dir / "fnc1_train_bodies.csv")
    for stances, bodies in (("fnc1_competition_test_stances.csv", "fnc1_competition_test_bodies.csv"),
                            ("competition_test_stances.csv", "competition_test_bodies.csv")):
        if (data_dir / stances).exists() and (data_dir / bodies).exists():
            return read_pairs(data_dir / stances, data_dir / bodies)
    return None


def body_folds(body_ids: list[str], k: int, seed: int) -> list[int]:
    """Fold number per pair; every pair of one body lands in the same fold."""
    unique = sorted(set(body_ids), key=lambda b: (len(b), b))
    random.Random(seed).shuffle(unique)
    fold_of = {b: i % k for i, b in enumerate(unique)}
    return [fold_of[b] for b in body_ids]


def read_arc(data_dir: Path) -> Pairs:
    """ARC train (Hanselowski et al. 2018: user posts, FNC-1 labels), as extra training pairs."""
    return read_pairs(data_dir / "arc_stances_train.csv", data_dir / "arc_bodies.csv")
