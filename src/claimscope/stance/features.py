"""Features of a (headline, body) pair for the stance model, in numpy only.

Three groups, each computed once per unique text and then combined per pair (FNC-1 pairs
1.6k headlines with 1.7k bodies into 50k pairs, so per-text work dominates otherwise):

* **hand** features: TF-IDF cosine of the headline with the whole body and with each body
  sentence (max, top-3, where the best sentence sits), word/bigram overlap, and cue-word
  rates (refuting, negation, hedging, agreeing) in the headline, the whole body, the
  body's opening and the sentences most similar to the headline, plus a polarity clash;
* **tf** vectors: the headline's and the body's L2-normalised term frequencies over the
  shipped vocabulary (the UCLMR FNC-1 representation), for the MLP;
* **embedding** features (optional): the same sentence-similarity statistics with the
  all-MiniLM-L6-v2 sentence vectors, when an encoder is given.

The vocabulary and IDF weights are fitted at training time and shipped in ``vocab.json``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from claimscope.stance.text import LEXICONS, content_stems, cue_counts, sentences, tokens

CUES = [name for name, _ in LEXICONS]
OPENING_SENTENCES = 3  # news bodies state their stance early
TOP_SENTENCES = 2  # cue words are counted in the sentences most similar to the headline


class Vocabulary:
    """Term -> column, with IDF weights (smoothed, as scikit-learn's TfidfVectorizer)."""

    def __init__(self, terms: Sequence[str], idf: Sequence[float]):
        if len(terms) != len(idf):
            raise ValueError(f"vocabulary has {len(terms)} terms but {len(idf)} idf weights")
        self.terms = list(terms)
        self.index = {t: i for i, t in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.default_idf = float(self.idf.max()) if len(self.idf) else 1.0  # unseen terms count as rare

    @classmethod
    def fit(cls, documents: Iterable[list[str]], size: int, min_df: int = 2) -> Vocabulary:
        """Keep the ``size`` most frequent stems (by document frequency) seen in >= min_df documents."""
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            n += 1
            df.update(set(doc))
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))[:size]
        idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept]
        return cls(kept, idf)

    def to_json(self) -> dict:
        return {"terms": self.terms, "idf": [round(float(x), 5) for x in self.idf]}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        return cls(data["terms"], data["idf"])

    def weight(self, term: str) -> float:
        i = self.index.get(term)
        return float(self.idf[i]) if i is not None else self.default_idf


def _tfidf(stems: list[str], vocab: Vocabulary) -> dict[str, float]:
    counts = Counter(stems)
    weights = {t: c * vocab.weight(t) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _tf_vector(stems: list[str], vocab: Vocabulary) -> np.ndarray:
    vec = np.zeros(len(vocab.terms), dtype=np.float32)
    for t, c in Counter(stems).items():
        i = vocab.index.get(t)
        if i is not None:
            vec[i] = c
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


class TextRep:
    """Everything the features need from one text, computed once."""

    __slots__ = ("stems", "stem_set", "bigrams", "tfidf", "cues", "n_tokens", "question", "sentences",
                 "sent_tfidf", "sent_cues", "sent_len", "tf", "sent_vectors", "vector")

    def __init__(self, text: str, vocab: Vocabulary, *, split: bool, tf: bool = True):
        toks = tokens(text)
        self.stems = content_stems(toks)
        self.stem_set = set(self.stems)
        self.bigrams = set(zip(self.stems, self.stems[1:]))
        self.tfidf = _tfidf(self.stems, vocab)
        self.cues = cue_counts(toks)
        self.n_tokens = len(toks)
        self.question = "?" in text
        self.tf = _tf_vector(self.stems, vocab) if tf else None
        self.sentences = sentences(text) if split else [text]
        self.sent_tfidf = []
        self.sent_cues = []
        self.sent_len = []
        for s in self.sentences:
            st = tokens(s)
            self.sent_tfidf.append(_tfidf(content_stems(st), vocab))
            self.sent_cues.append(cue_counts(st))
            self.sent_len.append(max(len(st), 1))
        self.sent_vectors: np.ndarray | None = None  # filled by attach_vectors when an encoder is used
        self.vector: np.ndarray | None = None


def _rate(counts: dict[str, int], n: int) -> list[float]:
    return [counts[c] / max(n, 1) * 10.0 for c in CUES]  # per 10 tokens keeps values near 0..1


def _sum_cues(reps: list[dict[str, int]]) -> dict[str, int]:
    out = {c: 0 for c in CUES}
    for r in reps:
        for c in CUES:
            out[c] += r[c]
    return out


def _similarity_stats(sims: np.ndarray, body: TextRep, prefix: str) -> tuple[list[float], list[str], np.ndarray]:
    """max, second, top-3 mean, mean, share above 0.3, relative position of the best sentence,
    and cue rates in the top sentences; also returns the order of sentences by similarity."""
    n = len(sims)
    order = np.argsort(-sims, kind="stable")
    top = sims[order[:3]]
    best = float(sims[order[0]]) if n else 0.0
    second = float(sims[order[1]]) if n > 1 else 0.0
    position = float(order[0]) / max(n - 1, 1) if n > 1 else 0.0
    top_idx = order[:TOP_SENTENCES]
    top_cues = _sum_cues([body.sent_cues[i] for i in top_idx])
    top_len = sum(body.sent_len[i] for i in top_idx)
    values = [best, second, float(top.mean()) if n else 0.0, float(sims.mean()) if n else 0.0,
              float((sims > 0.3).mean()) if n else 0.0, position, *_rate(top_cues, top_len)]
    names = [f"{prefix}_max", f"{prefix}_second", f"{prefix}_top3", f"{prefix}_mean", f"{prefix}_share_gt03",
             f"{prefix}_best_pos", *[f"{prefix}_top_{c}" for c in CUES]]
    return values, names, order


def hand_features(head: TextRep, body: TextRep) -> tuple[list[float], list[str]]:
    values: list[float] = []
    names: list[str] = []

    def add(name: str, value: float) -> None:
        names.append(name)
        values.append(float(value))

    add("cos_body", _cosine(head.tfidf, body.tfidf))
    inter = head.stem_set & body.stem_set
    add("jaccard", len(inter) / max(len(head.stem_set | body.stem_set), 1))
    add("head_cover", len(inter) / max(len(head.stem_set), 1))
    add("head_cover_idf", sum(head.tfidf.get(t, 0.0) ** 2 for t in inter))
    add("bigram_cover", len(head.bigrams & body.bigrams) / max(len(head.bigrams), 1))
    opening = set()
    for s in body.sent_tfidf[:OPENING_SENTENCES]:
        opening.update(s)
    add("head_cover_opening", len(head.stem_set & opening) / max(len(head.stem_set), 1))

    sims = np.array([_cosine(head.tfidf, s) for s in body.sent_tfidf], dtype=np.float32)
    stats, stat_names, order = _similarity_stats(sims, body, "tfidf")
    values += stats
    names += stat_names

    for c, r in zip(CUES, _rate(head.cues, head.n_tokens)):
        add(f"head_{c}", r)
    add("head_question", head.question)
    add("head_len", math.log1p(head.n_tokens))
    for c, r in zip(CUES, _rate(body.cues, body.n_tokens)):
        add(f"body_{c}", r)
    opening_cues = _sum_cues(body.sent_cues[:OPENING_SENTENCES])
    for c, r in zip(CUES, _rate(opening_cues, sum(body.sent_len[:OPENING_SENTENCES]))):
        add(f"opening_{c}", r)
    add("body_len", math.log1p(body.n_tokens))
    add("body_sentences", math.log1p(len(body.sentences)))
    # polarity clash: the headline and its best-matching sentence disagree on negation parity
    best_neg = body.sent_cues[order[0]]["negation"] if len(order) else 0
    add("polarity_clash", (head.cues["negation"] % 2) != (best_neg % 2))
    add("refute_any_top", any(body.sent_cues[i]["refute"] for i in order[:TOP_SENTENCES]))
    return values, names


def embedding_features(head: TextRep, body: TextRep) -> tuple[list[float], list[str]]:
    """Sentence-vector similarity statistics; needs ``attach_vectors`` to have run on both."""
    if head.vector is None or body.sent_vectors is None:
        raise ValueError("embedding features need sentence vectors: call attach_vectors() on headline and body first")
    sims = body.sent_vectors @ head.vector if len(body.sent_vectors) else np.zeros(0, dtype=np.float32)
    values, names, _ = _similarity_stats(sims.astype(np.float32), body, "emb")
    mean_vec = body.sent_vectors.mean(axis=0) if len(body.sent_vectors) else np.zeros_like(head.vector)
    norm = float(np.linalg.norm(mean_vec)) or 1.0
    values.append(float(mean_vec @ head.vector) / norm)
    names.append("emb_cos_body_mean")
    return values, names


def attach_vectors(reps: Sequence[TextRep], encode, *, headline: bool) -> None:
    """Encode every sentence of every rep (headlines: the whole text) in one batched call."""
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for rep in reps:
        start = len(texts)
        texts.extend(rep.sentences[:1] if headline else rep.sentences)
        spans.append((start, len(texts)))
    vectors = encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    for rep, (a, b) in zip(reps, spans):
        rep.sent_vectors = np.asarray(vectors[a:b], dtype=np.float32)
        rep.vector = rep.sent_vectors[0] if b > a else None
