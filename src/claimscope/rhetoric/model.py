"""The trained persuasion-technique span model, torch-free (onnxruntime + tokenizers).

A fine-tuned MiniLM scores every wordpiece of an article with one independent probability
per technique ("this piece lies inside a span of technique t"), plus one for "inside any
technique". Spans are read off those scores, so spans of different techniques may overlap
(multi-label), as they do in the annotated data:

    detector = get_detector("model")          # or "model+lexicon", the union with the baseline
    for s in detector.detect(text):
        print(s.technique, text[s.start:s.end], s.confidence)

How an article is read (the training script imports these helpers, so dev scores are
measured with this very code):

* the whole text is tokenised once with character offsets; where the text between two
  wordpieces contains a line break, a ``[SEP]`` marker piece is inserted (paragraph
  boundaries; annotated spans do not cross them);
* windows of at most ``window`` - 2 pieces start every ``stride`` pieces; each piece takes its
  scores from the window in which it sits farthest from an edge; windows of every article
  in a batch call are run together, longest first;
* decoding (``config["decoding"]``): ``"technique"`` reads runs of pieces above a threshold
  from each technique's own scores (hysteresis: a run needs one piece above ``threshold``
  and extends over neighbours above ``low``); ``"any"`` reads runs from the any-technique
  score and names each run with the techniques whose mean score over it is close to the
  best one. Runs are widened to whole words, so offsets never cut a word.

See ``claimscope/models/persuasion/MODEL_CARD.md`` for data, scores and limits.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .lexicon import DetectedSpan, LexiconDetector

log = logging.getLogger(__name__)

MODEL_NAME = "persuasion"
MODEL_DIR_ENV = "CLAIMSCOPE_PERSUASION_MODEL"
ANY = "ANY"  # the extra output: inside a span of any technique
Range = tuple[int, int]

Runner = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (input_ids, attention_mask) -> logits [b, seq, labels]


# ---------------------------------------------------------------------------------------
# reading an article into windows

class Encoded:
    """Wordpiece ids of one article and their character ranges (``None``: a paragraph marker)."""

    __slots__ = ("ids", "offsets")

    def __init__(self, ids: list[int], offsets: list[Range | None]):
        self.ids = ids
        self.offsets = offsets


def encode_texts(tokenizer, texts: Sequence[str], marker_id: int) -> list[Encoded]:
    """Tokenise whole texts (no truncation) and insert ``marker_id`` at every line break."""
    out = []
    for text, enc in zip(texts, tokenizer.encode_batch(list(texts), add_special_tokens=False)):
        ids: list[int] = []
        offsets: list[Range | None] = []
        prev_end = 0
        for tid, (start, end) in zip(enc.ids, enc.offsets):
            if ids and "\n" in text[prev_end:start]:
                ids.append(marker_id)
                offsets.append(None)
            ids.append(tid)
            offsets.append((start, end))
            prev_end = end
        out.append(Encoded(ids, offsets))
    return out


def window_starts(n: int, body: int, stride: int) -> list[int]:
    """Starts of windows of ``body`` pieces every ``stride``; the last one ends at ``n``."""
    if n <= body:
        return [0]
    starts = list(range(0, n - body, stride))
    starts.append(n - body)
    return starts


def stitch(n: int, starts: Sequence[int], body: int, window_scores: Sequence[np.ndarray]) -> np.ndarray:
    """Per-piece scores [n, labels], each piece from the window where it has most context."""
    out = np.empty((n, window_scores[0].shape[-1]), dtype=np.float32)
    best = np.full(n, -1, dtype=np.int64)
    for start, scores in zip(starts, window_scores):
        length = min(body, n - start)
        pos = np.arange(length)
        left = np.full(length, n) if start == 0 else pos  # an article edge cuts no context off
        right = np.full(length, n) if start + length == n else length - 1 - pos
        margin = np.minimum(left, right)
        idx = start + pos
        better = margin > best[idx]
        out[idx[better]] = scores[:length][better]
        best[idx[better]] = margin[better]
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def piece_probabilities(runner: Runner, encoded: Sequence[Encoded], *, window: int, stride: int,
                        cls_id: int, sep_id: int, pad_id: int, n_labels: int, batch_size: int = 8
                        ) -> list[np.ndarray]:
    """Stitched per-piece probabilities [pieces, labels] for each encoded article.

    Windows of all articles are pooled and run longest first, so a batch holds windows of
    similar length whatever the articles' lengths (one long article and many short ones
    cost what their pieces cost, not what padding to the longest would).
    """
    body = window - 2  # room for [CLS] and [SEP]
    jobs = []  # (article index, window start, piece ids)
    plans = []
    for a, enc in enumerate(encoded):
        starts = window_starts(len(enc.ids), body, stride) if enc.ids else []
        plans.append(starts)
        jobs.extend((a, s, enc.ids[s:s + body]) for s in starts)
    scores: dict[tuple[int, int], np.ndarray] = {}
    order = sorted(range(len(jobs)), key=lambda j: -len(jobs[j][2]))
    for b in range(0, len(order), batch_size):
        batch = [jobs[j] for j in order[b:b + batch_size]]
        width = max(len(ids) for _, _, ids in batch) + 2
        input_ids = np.full((len(batch), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, (_, _, ids) in enumerate(batch):
            input_ids[row, :len(ids) + 2] = [cls_id, *ids, sep_id]
            mask[row, :len(ids) + 2] = 1
        logits = runner(input_ids, mask)
        if logits.ndim != 3 or logits.shape[-1] != n_labels:
            raise ValueError(f"{MODEL_NAME}: the network returned logits of shape {logits.shape}, "
                             f"expected [batch, seq, {n_labels}]")
        for row, (a, s, ids) in enumerate(batch):
            scores[(a, s)] = sigmoid(logits[row, 1:len(ids) + 1].astype(np.float32))
    out = []
    for a, enc in enumerate(encoded):
        if not enc.ids:
            out.append(np.zeros((0, n_labels), dtype=np.float32))
        else:
            out.append(stitch(len(enc.ids), plans[a], body, [scores[(a, s)] for s in plans[a]]))
    return out


# ---------------------------------------------------------------------------------------
# decoding piece scores into spans

def _runs(on: np.ndarray, seed: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j]`` (inclusive) of ``on`` pieces that contain at least one ``seed``."""
    idx = np.flatnonzero(on)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) != 1)
    firsts = np.concatenate(([idx[0]], idx[breaks + 1]))
    lasts = np.concatenate((idx[breaks], [idx[-1]]))
    return [(int(i), int(j)) for i, j in zip(firsts, lasts) if seed[i:j + 1].any()]


def _word_span(text: str, start: int, end: int) -> Range:
    """Widen ``[start, end)`` to whole words (a run may begin or end on a ##piece)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _char_range(offsets: Sequence[Range | None], i: int, j: int) -> Range | None:
    first = next((offsets[k] for k in range(i, j + 1) if offsets[k] is not None), None)
    last = next((offsets[k] for k in range(j, i - 1, -1) if offsets[k] is not None), None)
    if first is None or last is None:
        return None
    return first[0], last[1]


def decode(text: str, probs: np.ndarray, offsets: Sequence[Range | None], labels: Sequence[str],
           decoding: dict) -> list[DetectedSpan]:
    """Spans from per-piece probabilities ``probs`` [pieces, len(labels)] (see the module doc)."""
    if probs.shape[0] == 0:
        return []
    marker = np.array([o is None for o in offsets], dtype=bool)
    mode = decoding.get("mode", "technique")
    threshold = float(decoding.get("threshold", 0.5))
    low = float(decoding.get("low", threshold))
    per_label = decoding.get("thresholds", {})
    techniques = [(k, label) for k, label in enumerate(labels) if label != ANY]
    found: list[DetectedSpan] = []

    def add(technique: str, i: int, j: int, confidence: float) -> None:
        rng = _char_range(offsets, i, j)
        if rng is not None:
            start, end = _word_span(text, *rng)
            found.append(DetectedSpan(technique, start, end, round(confidence, 4)))

    if mode == "technique":
        for k, label in techniques:
            hi = float(per_label.get(label, threshold))
            lo = min(hi, low * hi / threshold) if threshold else hi
            p = probs[:, k]
            for i, j in _runs((p >= lo) & ~marker, p >= hi):
                add(label, i, j, float(p[i:j + 1].max()))
    elif mode == "any":
        if ANY not in labels:
            raise ValueError(f"{MODEL_NAME}: decoding mode 'any' needs an {ANY!r} output; labels are {list(labels)}")
        p_any = probs[:, list(labels).index(ANY)]
        share = float(decoding.get("share", 0.8))  # name a run with every technique this close to the best
        for i, j in _runs((p_any >= low) & ~marker, p_any >= threshold):
            means = [(float(probs[i:j + 1, k].mean()), label) for k, label in techniques]
            best = max(m for m, _ in means)
            for mean, label in means:
                if mean >= share * best:
                    add(label, i, j, mean)
    else:
        raise ValueError(f"{MODEL_NAME}: unknown decoding mode {mode!r}: expected 'technique' or 'any'")
    return merge_same_technique(found)


def merge_same_technique(spans: list[DetectedSpan]) -> list[DetectedSpan]:
    """Join overlapping spans of one technique (keeping the higher confidence), sorted by start."""
    spans = sorted(spans, key=lambda s: (s.technique, s.start, s.end))
    merged: list[DetectedSpan] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last and last.technique == span.technique and span.start < last.end:
            merged[-1] = DetectedSpan(last.technique, last.start, max(last.end, span.end),
                                      max(last.confidence, span.confidence))
        else:
            merged.append(span)
    merged.sort(key=lambda s: (s.start, s.end, s.technique))
    return merged


# ---------------------------------------------------------------------------------------
# the detectors

class SpanModel:
    """Network + tokenizer + config: texts in, per-piece probabilities and spans out.

    ``runner`` is the network (an onnxruntime session in production; the training script
    passes a torch model, so dev figures come from this code path).
    """

    def __init__(self, runner: Runner, tokenizer, config: dict, *, batch_size: int = 8):
        # 8 windows a batch: a little faster than 16 on 2 cores and ~100 MB less at peak (2026-12-04)
        labels = config.get("labels")
        if not labels or not isinstance(labels, list):
            raise ValueError(f"{MODEL_NAME}/config.json: 'labels' must be a non-empty list")
        self.labels: list[str] = labels
        self.window = int(config.get("window", 256))
        self.stride = int(config.get("stride", (self.window - 2) // 2))
        if not 0 < self.stride <= self.window - 2:
            raise ValueError(f"{MODEL_NAME}/config.json: stride {self.stride} must be in 1..{self.window - 2}")
        self.decoding = dict(config.get("decoding", {"mode": "technique", "threshold": 0.5}))
        self.config = config
        self.runner = runner
        self.batch_size = batch_size
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()  # articles are cut into windows here, never truncated
        self.cls_id = tokenizer.token_to_id("[CLS]")
        self.sep_id = tokenizer.token_to_id("[SEP]")
        self.pad_id = tokenizer.token_to_id("[PAD]") or 0
        if self.cls_id is None or self.sep_id is None:
            raise ValueError(f"{MODEL_NAME}: the tokenizer lacks [CLS] or [SEP]")

    @classmethod
    def from_onnx(cls, model, tokenizer_json: str, config: dict, *, intra_op_threads: int | None = None,
                  **kwargs) -> "SpanModel":
        """``model`` is ``model.onnx`` (bytes or its file), ``tokenizer_json`` the text of ``tokenizer.json``."""
        from tokenizers import Tokenizer

        from claimscope.nn.onnx_runtime import new_session, run_options

        session = new_session(model, MODEL_NAME, intra_op_threads=intra_op_threads)
        names = [i.name for i in session.get_inputs()]
        if names != ["input_ids", "attention_mask"]:
            raise ValueError(f"{MODEL_NAME}: ONNX inputs are {names}, expected ['input_ids', 'attention_mask']")

        def runner(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
            return session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask}, run_options())[0]

        return cls(runner, Tokenizer.from_str(tokenizer_json), config, **kwargs)

    @classmethod
    def from_dir(cls, folder, **kwargs) -> "SpanModel":
        """Load ``model.onnx``, ``tokenizer.json`` and ``config.json`` from a folder (a path or a
        package resource); a missing file raises FileNotFoundError naming it."""
        from claimscope.nn.onnx_runtime import _read_resource, graph_resource

        if isinstance(folder, (str, os.PathLike)):
            folder = Path(folder)
        config = json.loads(_read_resource(folder, "config.json"))
        return cls.from_onnx(graph_resource(folder),
                             _read_resource(folder, "tokenizer.json").decode("utf-8"), config, **kwargs)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> "SpanModel":
        """The shipped model (``claimscope/models/persuasion/``), loaded once per process;
        ``$CLAIMSCOPE_PERSUASION_MODEL`` names another folder (to try a newly trained model)."""
        from claimscope.nn.onnx_runtime import model_resource_dir

        override = os.environ.get(MODEL_DIR_ENV)
        if override:
            if not Path(override).is_dir():
                raise FileNotFoundError(f"${MODEL_DIR_ENV} names {override!r}, which is not a folder")
            return cls.from_dir(Path(override))
        return cls.from_dir(model_resource_dir(MODEL_NAME))

    def probabilities(self, texts: Sequence[str]) -> tuple[list[Encoded], list[np.ndarray]]:
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise TypeError(f"{MODEL_NAME}: texts must be str; item {bad[0]} is {type(texts[bad[0]]).__name__}")
        encoded = encode_texts(self.tokenizer, texts, self.sep_id)
        probs = piece_probabilities(self.runner, encoded, window=self.window, stride=self.stride,
                                    cls_id=self.cls_id, sep_id=self.sep_id, pad_id=self.pad_id,
                                    n_labels=len(self.labels), batch_size=self.batch_size)
        return encoded, probs

    def detect_batch(self, texts: Sequence[str], decoding: dict | None = None) -> list[list[DetectedSpan]]:
        encoded, probs = self.probabilities(texts)
        return [decode(t, p, e.offsets, self.labels, decoding or self.decoding)
                for t, e, p in zip(texts, encoded, probs)]


class ModelDetector:
    """The span model as a registered detector (``get_detector("model")``)."""

    name = "model"

    def __init__(self, span_model: SpanModel | None = None):
        self.model = span_model or SpanModel.default()
        self.version = str(self.model.config.get("version", "unversioned"))

    def detect(self, text: str) -> list[DetectedSpan]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[DetectedSpan]]:
        return self.model.detect_batch(texts)


def domain_cue_detector() -> LexiconDetector:
    """The conflict-reporting cues of :data:`claimscope.rhetoric.cues.DOMAIN_CUE_GROUPS`."""
    from .cues import DOMAIN_CUE_GROUPS

    return LexiconDetector(min_confidence=0.0, groups=DOMAIN_CUE_GROUPS, repetition=False, doubt_questions=False)


class ModelLexiconDetector:
    """The span model's spans, plus the lexicon baseline's for the techniques listed in
    ``config["lexicon_union"]`` (chosen on dev: where the cue lexicon adds more right spans
    than wrong ones), plus the domain cues when ``config["domain_cues"]`` is true (the
    rhetoric of conflict reporting the training data lacks). ``get_detector("model+lexicon")``."""

    name = "model+lexicon"

    def __init__(self, span_model: SpanModel | None = None, techniques: Sequence[str] | None = None,
                 domain_cues: bool | None = None):
        self.model = span_model or SpanModel.default()
        config = self.model.config
        chosen = techniques if techniques is not None else config.get("lexicon_union")
        self.techniques = None if chosen is None else sorted(chosen)
        self.lexicon = LexiconDetector(techniques=self.techniques) if self.techniques != [] else None
        use_domain = config.get("domain_cues", False) if domain_cues is None else domain_cues
        self.domain = domain_cue_detector() if use_domain else None
        self.version = (f"{config.get('version', 'unversioned')}+lexicon-{LexiconDetector.version}"
                        f"{'+domain' if self.domain else ''}")

    def detect(self, text: str) -> list[DetectedSpan]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[DetectedSpan]]:
        return [self.combine(text, spans) for text, spans in zip(texts, self.model.detect_batch(texts))]

    def combine(self, text: str, model_spans: list[DetectedSpan]) -> list[DetectedSpan]:
        extra = (self.lexicon.detect(text) if self.lexicon else []) + (self.domain.detect(text) if self.domain else [])
        return merge_same_technique(list(model_spans) + extra)


def best_detector_name() -> str:
    """The detector the shipped model's config recommends (``model`` or ``model+lexicon``),
    ``lexicon`` with a logged warning when the model files are not installed."""
    try:
        config = SpanModel.default().config
    except FileNotFoundError as exc:
        log.warning("persuasion span model not installed (%s); falling back to the lexicon baseline", exc)
        return "lexicon"
    return str(config.get("best_detector", "model"))
