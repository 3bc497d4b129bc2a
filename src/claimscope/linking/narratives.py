"""Narratives: the same claim repeated across outlets and time.

Claims are compared by their embeddings (the ``claim_vectors`` written by the embeddings
analyzer) when every claim has one; otherwise by a lexical fallback (TF-IDF over word stems,
with the vocabulary of conflict propaganda folded into shared concepts, so "fabricated",
"staged" and "theatre" count as one idea) - the run log says which was used.

Clustering is centroid linkage over a sparse similarity graph: candidate pairs above
``pair_threshold`` are taken strongest first, and two clusters merge only while their centroids
stay within ``centroid_threshold``, so a chain of loosely related claims cannot snowball into
one giant narrative. A cluster is a narrative when it spans at least two independent articles
(a syndicated copy and its original count once).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

# Thresholds per method: cosine similarity of a candidate pair / of two cluster centroids.
THRESHOLDS = {"vectors": (0.62, 0.55), "lexical": (0.25, 0.22)}
MIN_CONTENT_WORDS = 4
# Concept terms carry the narrative (the idea of fabrication, of halting an advance); the rare
# words around them (place names, dates) mostly carry the incident, so concepts weigh more.
CONCEPT_BOOST = 2.0
NEIGHBOURS = 12

# Words of conflict propaganda folded into concepts (stem prefix -> concept), so that
# paraphrases of one narrative share terms without an encoder.
_CONCEPTS = {
    "FAKE": "fabric fake fakes faked invent invente stage staged stagin theatr theater hoax lie lies lying "
            "false manufa fictio fiction concoc forged forgery made-u provoc script direct show",
    "MILITANT": "terror militan rebel jihadi insurg gunmen armed extrem gangs merce",
    "CHEMICAL": "chemic chlori gas gases toxic sarin nerve poison",
    "HALT": "halt stop undermi distra hamper obstru preven block",
    "ADVANCE": "advanc gain gains progre liber freein victor offens closin",
    "LOSING": "losing lose lost defeat retrea",
    "ARMY": "army soldie troops militar forces",
    "SPONSOR": "sponso backer patron master foreig fund",
    "ACCUSE": "accuse blame",
    "TERRORISE": "terrif fleein unlivab unbear flee",
    "IMPUNITY": "impuni accoun punish",
    "RESCUER": "rescue helmet vests",
}
_STEM_TO_CONCEPT = {stem: concept for concept, words in _CONCEPTS.items() for stem in words.split()}
_STOP = frozenset("""
the a an and or but of to in on at by for with from as is are was were be been being that this these those it its
their they them he she his her we our you your not no has have had do does did will would could should may might
which who whom what when where why how than then there here also said says say saying told about into over after
before more most such only very just any all some other own same so can
""".split())
_TOKEN = re.compile(r"[a-z][a-z'-]+")


def lexical_terms(text: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        token = token.strip("'-")
        if token.endswith("'s"):
            token = token[:-2]
        if token.endswith("ies") and len(token) > 5:
            token = token[:-3] + "y"
        elif token.endswith("s") and not token.endswith("ss") and len(token) > 4:
            token = token[:-1]
        if len(token) < 3 or token in _STOP:
            continue
        concept = next((_STEM_TO_CONCEPT[p] for p in (token, token[:7], token[:6], token[:5])
                        if p in _STEM_TO_CONCEPT), None)
        out.append(concept or token[:6])
    return out


@dataclass
class ClaimItem:
    id: int
    text: str
    article_id: str
    root: str  # the original article of a syndicated copy, else the article itself
    published_at: str | None
    outlet: str | None
    key: str


class _Sparse:
    """TF-IDF unit vectors as dicts, with an inverted index for candidate pairs."""

    def __init__(self, texts: list[str]):
        terms = [Counter(lexical_terms(t)) for t in texts]
        df = Counter(t for c in terms for t in c)
        n = len(texts)
        self.vectors = []
        for c in terms:
            v = {t: (1 + math.log(f)) * math.log(1 + n / df[t]) * (CONCEPT_BOOST if t.isupper() else 1.0)
                 for t, f in c.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors.append({t: x / norm for t, x in v.items()})
        self.df = df

    def neighbours(self, k: int, threshold: float) -> list[tuple[float, int, int]]:
        index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        cap = max(50, int(len(self.vectors) * 0.2))  # very common terms do not propose pairs
        for i, v in enumerate(self.vectors):
            for t, x in v.items():
                if self.df[t] <= cap:
                    index[t].append((i, x))
        pairs = []
        for i, v in enumerate(self.vectors):
            scores: dict[int, float] = defaultdict(float)
            for t, x in v.items():
                for j, y in index.get(t, ()):
                    if j > i:
                        scores[j] += x * y
            # exact cosine for the best candidates (the index skipped common terms)
            best = sorted(scores, key=lambda j: -scores[j])[:k * 2]
            for j in best:
                sim = cosine(v, self.vectors[j])
                if sim >= threshold:
                    pairs.append((sim, i, j))
        return pairs


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(x * b.get(t, 0.0) for t, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values())) or 1.0
    nb = math.sqrt(sum(x * x for x in b.values())) or 1.0
    return dot / (na * nb)


def _dense_neighbours(vectors: np.ndarray, k: int, threshold: float) -> list[tuple[float, int, int]]:
    pairs = []
    for start in range(0, len(vectors), 2048):
        block = vectors[start:start + 2048] @ vectors.T
        for r, row in enumerate(block):
            i = start + r
            row[: i + 1] = -1.0  # each pair once
            top = np.argpartition(-row, min(k, len(row) - 1))[:k] if len(row) > k else np.arange(len(row))
            for j in top:
                if row[j] >= threshold:
                    pairs.append((float(row[j]), i, int(j)))
    return pairs


def cluster_claims(items: list[ClaimItem], vectors: np.ndarray | None) -> tuple[list[list[int]], str]:
    """Indices of items grouped into clusters (singletons included), and the method used."""
    method = "vectors" if vectors is not None else "lexical"
    pair_t, centroid_t = THRESHOLDS[method]
    if vectors is not None:
        pairs = _dense_neighbours(vectors, NEIGHBOURS, pair_t)
        centroids: dict[int, Any] = {i: vectors[i].astype(np.float64).copy() for i in range(len(items))}

        def sim(a, b):
            return float(a @ b / ((np.linalg.norm(a) * np.linalg.norm(b)) or 1.0))

        def add(a, b):
            return a + b
    else:
        sparse = _Sparse([it.text for it in items])
        pairs = sparse.neighbours(NEIGHBOURS, pair_t)
        centroids = {i: dict(v) for i, v in enumerate(sparse.vectors)}
        sim = cosine

        def add(a, b):
            out = dict(a)
            for t, x in b.items():
                out[t] = out.get(t, 0.0) + x
            return out
    parent = list(range(len(items)))
    members = {i: [i] for i in range(len(items))}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        ri, rj = find(i), find(j)
        if ri == rj or sim(centroids[ri], centroids[rj]) < centroid_t:
            continue
        if len(members[ri]) < len(members[rj]):
            ri, rj = rj, ri
        parent[rj] = ri
        members[ri] += members.pop(rj)
        centroids[ri] = add(centroids[ri], centroids.pop(rj))
    return [sorted(m) for m in members.values()], method


def describe(cluster: list[int], items: list[ClaimItem], vectors: np.ndarray | None) -> dict[str, Any]:
    """A narrative record (without id) for one cluster of claim items."""
    chosen = [items[i] for i in cluster]
    if vectors is not None:
        centre = vectors[cluster].mean(axis=0)
        closeness = vectors[cluster] @ centre
    else:
        texts = [lexical_terms(it.text) for it in chosen]
        common = Counter(t for ts in texts for t in set(ts))
        closeness = [sum(common[t] for t in set(ts)) / (len(set(ts)) or 1) ** 0.5 for ts in texts]
    order = sorted(range(len(chosen)), key=lambda n: (-float(closeness[n]), chosen[n].published_at or "9999",
                                                      chosen[n].id))
    rep = chosen[order[0]]
    dates = sorted(it.published_at for it in chosen if it.published_at)
    per_month = Counter((it.published_at or "")[:7] or "undated" for it in chosen)
    outlets = sorted({it.outlet for it in chosen if it.outlet})
    return {
        "label": rep.text, "representative_claim_id": rep.id,
        "first_seen": dates[0] if dates else None, "last_seen": dates[-1] if dates else None,
        "claim_count": len(chosen), "article_count": len({it.article_id for it in chosen}),
        "outlet_count": len(outlets),
        "attrs": {"outlets": outlets, "per_month": dict(sorted(per_month.items())),
                  "independent_articles": len({it.root for it in chosen}),
                  "member_keys": sorted(it.key for it in chosen)},
        "members": [it.id for it in chosen],
    }


def build(items: list[ClaimItem], vectors: np.ndarray | None,
          min_independent_articles: int = 2) -> tuple[list[dict[str, Any]], str]:
    """Narrative records (largest first) from claim items; method is 'vectors' or 'lexical'."""
    keep = [n for n, it in enumerate(items) if len(lexical_terms(it.text)) >= MIN_CONTENT_WORDS]
    sub_items = [items[n] for n in keep]
    sub_vectors = vectors[keep] if vectors is not None else None
    clusters, method = cluster_claims(sub_items, sub_vectors)
    out = []
    for cluster in clusters:
        if len({sub_items[i].root for i in cluster}) < min_independent_articles:
            continue
        out.append(describe(cluster, sub_items, sub_vectors))
    out.sort(key=lambda n: (-n["outlet_count"], -n["claim_count"], n["first_seen"] or ""))
    return out, method
