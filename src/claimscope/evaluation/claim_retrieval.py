"""Claim retrieval data and metrics (CLEF CheckThat! 2020 Task 2 layout): shared by
bench/linking.py and the training scripts of the claim encoder and the re-ranker.

The data itself (``v3.zip``) is research data read from ``../shared/data/claim-matching/`` at
training and benchmark time; nothing of it ships with claimscope.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np


def read_split(zip_path: Path, split: str) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """Verified claims ``{id: "text title"}``, the split's tweets ``{id: text}`` and its
    relevance judgements ``{tweet id: {claim ids}}``."""
    with zipfile.ZipFile(zip_path) as zf:
        def rows(name):
            return [line.split("\t") for line in zf.read(name).decode("utf-8").splitlines()[1:] if line.strip()]
        docs = {r[0]: f"{r[1]} {r[2] if len(r) > 2 else ''}".strip() for r in rows("v3.0/verified_claims.docs.tsv")}
        queries = {r[0]: r[1] for r in rows(f"v3.0/{split}/tweets.queries.tsv")}
        qrels: dict[str, set[str]] = {}
        for line in zf.read(f"v3.0/{split}/tweet-vclaim-pairs.qrels").decode().splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[3] == "1":
                qrels.setdefault(parts[0], set()).add(parts[2])
    return docs, queries, qrels


def map_at_k(ranked: dict[str, list[str]], qrels: dict[str, set[str]], k: int = 5) -> float:
    """Mean average precision at k (the CheckThat! 2020 Task 2 definition)."""
    scores = []
    for qid, relevant in qrels.items():
        hits, total = 0, 0.0
        for rank, doc in enumerate(ranked.get(qid, [])[:k], start=1):
            if doc in relevant:
                hits += 1
                total += hits / rank
        scores.append(total / min(len(relevant), k) if relevant else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def recall_at(ranked: dict[str, list[str]], qrels: dict[str, set[str]], k: int) -> float:
    """Share of the relevant claims found in the top k, averaged over queries."""
    return float(np.mean([len(set(ranked.get(q, [])[:k]) & rel) / len(rel) for q, rel in qrels.items()])) if qrels else 0.0
