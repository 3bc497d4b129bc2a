"""Attribution tagging with a fine-tuned MiniLM, torch-free (onnxruntime + tokenizers).

The model tags every wordpiece of an article with one of seven BIO labels (source, cue,
content); this module turns an article into model windows, stitches the windows' scores
back together, decodes the best valid tag sequence and groups the spans into
:class:`Attribution` records:

    tagger = AttributionTagger.default()
    for a in tagger.extract(text):
        print(a.text(text, "source"), a.text(text, "cue"), a.text(text, "content"))

How an article is read (identical at training time, which imports these helpers):

* the whole text is tokenised once (no truncation) with character offsets; wherever the
  text between two wordpieces contains a line break, a ``[SEP]`` marker is inserted, so the
  model sees paragraph boundaries (quotes often run a whole paragraph);
* windows of at most ``window`` wordpieces start every ``stride`` pieces; each piece takes
  its scores from the window in which it sits farthest from an edge (most context);
* a Viterbi pass over the log-probabilities forbids ``I-X`` after anything but ``B-X``/``I-X``;
* grouping: every cue starts an attribution; each content span joins the nearest cue
  (several content spans on one cue are the fragments of a quote split by "he said"),
  each source span joins the nearest cue that has no source yet. A cue that ends up
  without content is dropped (an attribution without content says nothing).

See ``claimscope/models/attribution/MODEL_CARD.md`` for data, scores and limits.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from claimscope.claims.attribution import Attribution, Range
from claimscope.claims.polnear import quote_type
from claimscope.nn.onnx_runtime import (INTRA_OP_THREADS, ModelSource, _read_resource, graph_resource, model_resource_dir,
                                        new_session, run_options)

MODEL_NAME = "attribution"
LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ROLE_OF_LABEL = {1: "source", 2: "source", 3: "cue", 4: "cue", 5: "content", 6: "content"}
PARAGRAPH = None  # offset of an inserted paragraph marker: it covers no characters

_ANONYMOUS_HEADS = {"report", "reports", "sources", "source", "officials", "critics", "observers", "analysts",
                    "experts", "witnesses", "residents", "activists", "some", "others", "many", "people"}
_DOCUMENT_HEADS = {"statement", "report", "letter", "document", "documents", "memo", "study", "survey", "poll",
                   "analysis", "filing", "complaint", "lawsuit", "ruling", "resolution", "communique", "website"}


@dataclass
class EncodedArticle:
    ids: list[int]
    offsets: list[Range | None]  # None for inserted paragraph markers


def encode_article(tokenizer, text: str, marker_id: int) -> EncodedArticle:
    """Wordpieces of ``text`` with offsets, plus a marker piece at every line break."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    return _with_markers(enc.ids, enc.offsets, text, marker_id)


def encode_articles(tokenizer, texts: Sequence[str], marker_id: int) -> list[EncodedArticle]:
    encs = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    return [_with_markers(e.ids, e.offsets, t, marker_id) for e, t in zip(encs, texts)]


def _with_markers(ids, offsets, text: str, marker_id: int) -> EncodedArticle:
    out_ids: list[int] = []
    out_off: list[Range | None] = []
    prev_end = 0
    for tid, (start, end) in zip(ids, offsets):
        if out_ids and "\n" in text[prev_end:start]:
            out_ids.append(marker_id)
            out_off.append(PARAGRAPH)
        out_ids.append(tid)
        out_off.append((start, end))
        prev_end = end
    return EncodedArticle(out_ids, out_off)


def window_starts(n: int, window: int, stride: int) -> list[int]:
    """Start positions of windows of ``window`` pieces every ``stride``; the last ends at ``n``."""
    if n <= window:
        return [0]
    starts = list(range(0, n - window, stride))
    starts.append(n - window)
    return starts


def stitch(n: int, starts: Sequence[int], window: int, window_scores: Sequence[np.ndarray]) -> np.ndarray:
    """Per-piece scores [n, labels]: each piece from the window where it has most context."""
    out = np.empty((n, window_scores[0].shape[-1]), dtype=np.float32)
    best = np.full(n, -1, dtype=np.int64)
    for start, scores in zip(starts, window_scores):
        length = min(window, n - start)
        pos = np.arange(length)
        # Context on each side; an article edge is not a window edge (nothing is cut off there).
        left = np.full(length, n) if start == 0 else pos
        right = np.full(length, n) if start + length == n else length - 1 - pos
        margin = np.minimum(left, right)
        idx = start + pos
        better = margin > best[idx]
        out[idx[better]] = scores[:length][better]
        best[idx[better]] = margin[better]
    return out


def _transition_mask() -> np.ndarray:
    """allowed[prev, cur]: ``I-X`` may only follow ``B-X`` or ``I-X``."""
    n = len(LABELS)
    allowed = np.ones((n, n), dtype=bool)
    for cur, label in enumerate(LABELS):
        if label.startswith("I-"):
            role = label[2:]
            for prev, p in enumerate(LABELS):
                allowed[prev, cur] = p in (f"B-{role}", f"I-{role}")
    return allowed


_ALLOWED = _transition_mask()
_START_ALLOWED = np.array([not label.startswith("I-") for label in LABELS])


def viterbi(log_probs: np.ndarray) -> np.ndarray:
    """Most probable label sequence under the BIO constraint; ``log_probs`` is [n, labels]."""
    n, k = log_probs.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    penalty = np.where(_ALLOWED, 0.0, -1e9)
    score = log_probs[0] + np.where(_START_ALLOWED, 0.0, -1e9)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + penalty  # [prev, cur]
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(k)] + log_probs[t]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def tags_to_spans(tags: Sequence[int], offsets: Sequence[Range | None], probs: np.ndarray | None = None
                  ) -> list[tuple[str, int, int, float]]:
    """``(role, start, end, mean probability)`` for each B/I run.

    A paragraph marker tagged ``I-X`` continues the span (a quote running over several
    paragraphs); tagged ``O`` or ``B-X`` it ends it like any other piece would.
    """
    spans: list[tuple[str, int, int, float]] = []
    role = None
    start = end = 0
    conf: list[float] = []

    def close():
        if role is not None:
            spans.append((role, start, end, float(np.mean(conf)) if conf else 1.0))

    for i, (tag, off) in enumerate(zip(tags, offsets)):
        label = LABELS[int(tag)]
        if label == "O":
            close()
            role = None
            continue
        this_role = ROLE_OF_LABEL[int(tag)]
        if off is PARAGRAPH:
            if label.startswith("I-") and this_role == role:
                continue  # the span runs on into the next paragraph
            close()
            role = None
            continue
        if label.startswith("B-") or this_role != role:
            close()
            role, start, conf = this_role, off[0], []
        end = off[1]
        if probs is not None:
            conf.append(float(probs[i, int(tag)]))
    close()
    return spans


def _gap(a: Range, b: Range) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def source_kind(source_text: str | None) -> str:
    if not source_text:
        return "anonymous"
    words = source_text.lower().replace("’", "'").split()
    head = words[-1].strip(".,'\"") if words else ""
    if head in _DOCUMENT_HEADS:
        return "document"
    if head in _ANONYMOUS_HEADS and not any(w[:1].isupper() for w in source_text.split()[1:]):
        return "anonymous"
    return "named"


class _Paragraphs:
    """Paragraph index of a character position (paragraphs are separated by line breaks)."""

    def __init__(self, text: str):
        self.breaks = [i for i, ch in enumerate(text) if ch == "\n"]

    def of(self, span: Range) -> tuple[int, int]:
        from bisect import bisect_right

        return bisect_right(self.breaks, span[0]), bisect_right(self.breaks, max(span[0], span[1] - 1))


def _nearest_cue(span: Range, cues: Sequence[tuple[str, int, int, float]], paras: _Paragraphs,
                 cue_paras: Sequence[tuple[int, int]]) -> int:
    """Index of the cue ``span`` belongs to: the nearest cue sharing a paragraph with it,
    else the nearest cue anywhere (a quote paragraph introduced by "She added:")."""
    lo, hi = paras.of(span)
    near = [c for c in range(len(cues)) if cue_paras[c][0] <= hi and cue_paras[c][1] >= lo]
    pool = near or range(len(cues))
    return min(pool, key=lambda c: (_gap(cues[c][1:3], span), -cues[c][1]))


def _parts_quote_type(text: str, parts) -> str:
    """``direct`` if every fragment is a quotation, ``indirect`` if none has quote marks, else ``mixed``."""
    kinds = {quote_type(text[p[1]:p[2]]) for p in parts}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def group_spans(text: str, spans: Sequence[tuple[str, int, int, float]], producer: str = "model") -> list[Attribution]:
    """Attributions from role spans (see the module docstring for the rule)."""
    cues = [s for s in spans if s[0] == "cue"]
    if not cues:
        return []
    paras = _Paragraphs(text)
    cue_paras = [paras.of(c[1:3]) for c in cues]
    contents: dict[int, list[tuple[str, int, int, float]]] = {i: [] for i in range(len(cues))}
    for span in spans:
        if span[0] == "content":
            contents[_nearest_cue(span[1:3], cues, paras, cue_paras)].append(span)
    # Sources: each goes to its cue by the same rule; a cue keeps the closest one.
    sources: dict[int, tuple[str, int, int, float]] = {}
    for span in spans:
        if span[0] == "source":
            c = _nearest_cue(span[1:3], cues, paras, cue_paras)
            if c not in sources or _gap(cues[c][1:3], span[1:3]) < _gap(cues[c][1:3], sources[c][1:3]):
                sources[c] = span
    out = []
    for i, cue in enumerate(cues):
        parts = sorted(contents[i], key=lambda s: s[1])
        if not parts:
            continue
        content = (parts[0][1], parts[-1][2])
        src = sources.get(i)
        source = (src[1], src[2]) if src else None
        extra: dict = {}
        if len(parts) > 1:
            extra["content_parts"] = [(p[1], p[2]) for p in parts]
        roles = [cue, *parts] + ([src] if src else [])
        out.append(Attribution(
            cue=(cue[1], cue[2]), content=content, source=source,
            source_kind=source_kind(text[source[0]:source[1]] if source else None),
            quote_type=_parts_quote_type(text, parts),
            score=float(min(r[3] for r in roles)), producer=producer, extra=extra,
        ))
    return out


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class AttributionTagger:
    """Source/cue/content tagger over whole articles (any length).

    ``runner(input_ids, attention_mask) -> logits`` ([batch, seq] int64 → [batch, seq,
    labels]) is the network; :meth:`from_onnx` builds it from an onnxruntime session (the
    training script passes a torch one, so dev scores are measured with this very code).
    """

    def __init__(self, runner: Callable[[np.ndarray, np.ndarray], np.ndarray], tokenizer, config: dict, *,
                 batch_size: int = 8):
        # 8 windows a batch: a little faster than 16 on 2 cores and ~100 MB less at peak (2026-12-04)
        labels = tuple(config.get("labels", ()))
        if labels != LABELS:
            raise ValueError(f"{MODEL_NAME}/config.json: labels {labels} differ from the runtime's {LABELS}")
        self.runner = runner
        self.config = config
        self.window = int(config.get("window", 256)) - 2  # room for [CLS] and [SEP]
        self.stride = int(config.get("stride", self.window // 2))
        if not 0 < self.stride <= self.window:
            raise ValueError(f"{MODEL_NAME}/config.json: stride {self.stride} must be in 1..{self.window}")
        self.batch_size = batch_size
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()  # articles are split into windows here, not truncated
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        if self.cls_id is None or self.sep_id is None:
            raise ValueError(f"{MODEL_NAME}: the tokenizer lacks [CLS] or [SEP]")

    @classmethod
    def from_onnx(cls, model: ModelSource, tokenizer_json: str, config: dict, *,
                  intra_op_threads: int = INTRA_OP_THREADS, **kwargs) -> "AttributionTagger":
        """``model`` is ``model.onnx`` (bytes or its file), ``tokenizer_json`` the text of ``tokenizer.json``."""
        from tokenizers import Tokenizer

        session = new_session(model, MODEL_NAME, intra_op_threads=intra_op_threads)
        names = [i.name for i in session.get_inputs()]
        if names != ["input_ids", "attention_mask"]:
            raise ValueError(f"{MODEL_NAME}: ONNX inputs are {names}, expected ['input_ids', 'attention_mask']")

        def runner(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
            return session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask}, run_options())[0]

        return cls(runner, Tokenizer.from_str(tokenizer_json), config, **kwargs)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> "AttributionTagger":
        """The shipped model (``claimscope/models/attribution/``), loaded once per process."""
        folder = model_resource_dir(MODEL_NAME)
        config = json.loads(_read_resource(folder, "config.json"))
        return cls.from_onnx(graph_resource(folder), _read_resource(folder, "tokenizer.json").decode("utf-8"), config)

    def extract(self, text: str) -> list[Attribution]:
        return self.extract_batch([text])[0]

    def extract_batch(self, texts: Sequence[str]) -> list[list[Attribution]]:
        """Attributions per text; windows of all texts are batched together, longest first."""
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise TypeError(f"{MODEL_NAME}: texts must be str; item {bad[0]} is {type(texts[bad[0]]).__name__}")
        encoded = encode_articles(self.tokenizer, texts, self.sep_id)
        log_probs = self.article_log_probs(encoded)
        out = []
        for text, enc, lp in zip(texts, encoded, log_probs):
            if not enc.ids:
                out.append([])
                continue
            tags = viterbi(lp)
            spans = tags_to_spans(tags, enc.offsets, np.exp(lp))
            out.append(group_spans(text, spans))
        return out

    def article_log_probs(self, encoded: Sequence[EncodedArticle]) -> list[np.ndarray]:
        """Stitched per-piece log-probabilities [pieces, labels] for each encoded article."""
        jobs = []  # (article index, window start, piece ids)
        plans = []
        for a, enc in enumerate(encoded):
            starts = window_starts(len(enc.ids), self.window, self.stride) if enc.ids else []
            plans.append(starts)
            jobs.extend((a, s, enc.ids[s:s + self.window]) for s in starts)
        scores: dict[tuple[int, int], np.ndarray] = {}
        order = sorted(range(len(jobs)), key=lambda j: -len(jobs[j][2]))
        for b in range(0, len(order), self.batch_size):
            batch = [jobs[j] for j in order[b:b + self.batch_size]]
            width = max(len(ids) for _, _, ids in batch) + 2
            input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (_, _, ids) in enumerate(batch):
                input_ids[row, :len(ids) + 2] = [self.cls_id, *ids, self.sep_id]
                mask[row, :len(ids) + 2] = 1
            logits = self.runner(input_ids, mask)
            for row, (a, s, ids) in enumerate(batch):
                scores[(a, s)] = log_softmax(logits[row, 1:len(ids) + 1].astype(np.float32))
        out = []
        for a, enc in enumerate(encoded):
            if not enc.ids:
                out.append(np.zeros((0, len(LABELS)), dtype=np.float32))
                continue
            out.append(stitch(len(enc.ids), plans[a], self.window, [scores[(a, s)] for s in plans[a]]))
        return out
