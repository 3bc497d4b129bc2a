"""Stance: the shipped FNC-1 model on invented pairs, the claim-stance mapping, stance links,
the numpy model evaluators, and a smoke run of the training script on an invented fixture."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimscope.model import Claim, IncidentMention, Link, LinkKind
from claimscope.stance import STANCES, StanceClassifier, claim_stance, decide, stance_links
from claimscope.stance.numpy_models import MLP, TreeEnsemble
from claimscope.stance.text import cue_counts, sentences, tokens

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "stance_tiny"
TRAIN_SCRIPT = REPO / "training" / "stance" / "train.py"
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None and importlib.util.find_spec("scipy") is not None
needs_sklearn = pytest.mark.skipif(not HAS_SKLEARN, reason="scikit-learn/scipy (the `train` extra) not installed")

# Invented texts.
HEADLINE = "Government forces dropped chlorine on the village of Tel Sarout, killing nine"
# FNC-1's "disagree" is the body itself refuting the headline (a body that merely reports
# someone's denial is "discuss"), so the refutation is written in the author's own voice.
REFUTING_BODY = (
    "The claim that chlorine was dropped on Tel Sarout is a hoax. Fact-checkers found the video was fake "
    "and filmed years ago elsewhere. There was no attack, and no one died."
)
AGREEING_BODY = (
    "Government forces dropped chlorine on the village of Tel Sarout on Monday, killing nine people, "
    "doctors at the local clinic confirmed. The clinic said nine people were killed and dozens treated "
    "for breathing problems after the chlorine attack on Tel Sarout. Officials confirmed the death toll."
)
UNRELATED_BODY = (
    "The city orchestra will open its winter season with a programme of Baroque concertos. "
    "Tickets go on sale next week, and students can buy them at half price. "
    "The conductor said rehearsals began in September."
)


class FixedClassifier:
    """Stands in for the model: always answers ``label``."""

    def __init__(self, label: str):
        self.label = label
        self.calls: list[tuple[str, str]] = []

    def classify(self, headline: str, text: str):
        self.calls.append((headline, text))
        probs = {k: 0.1 for k in ("agree", "disagree", "discuss", "unrelated")}
        probs[self.label] = 0.7
        return self.label, probs


@pytest.fixture(scope="module")
def model() -> StanceClassifier:
    return StanceClassifier.default()


# ------------------------------------------------------------------ shipped model

def test_default_is_cached_and_labelled(model):
    assert StanceClassifier.default() is model
    assert model.labels == ("agree", "disagree", "discuss", "unrelated")


def test_clear_refutation_is_disagree(model):
    label, probs = model.classify(HEADLINE, REFUTING_BODY)
    assert label == "disagree", probs
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-3)


def test_unrelated_text_is_unrelated(model):
    label, probs = model.classify(HEADLINE, UNRELATED_BODY)
    assert label == "unrelated", probs


def test_agreeing_body_is_related_and_not_disagree(model):
    label, probs = model.classify(HEADLINE, AGREEING_BODY)
    assert label in ("agree", "discuss"), probs
    assert probs["disagree"] < probs["agree"] + probs["discuss"]


def test_batch_matches_single_and_handles_empty(model):
    pairs = [(HEADLINE, REFUTING_BODY), (HEADLINE, UNRELATED_BODY), ("", ""), (HEADLINE, "")]
    batch = model.probabilities(pairs)
    assert batch.shape == (4, 4)
    assert np.allclose(batch.sum(axis=1), 1.0, atol=1e-5)
    single = np.vstack([model.probabilities([p]) for p in pairs])
    assert np.allclose(batch, single, atol=1e-6)
    assert model.probabilities([]).shape == (0, 4)


def test_bad_pair_says_what_is_wrong(model):
    with pytest.raises(TypeError, match="stance pair 0"):
        model.probabilities([("only a headline",)])


# ------------------------------------------------------------------ claim stance mapping

def _claim(claim_type: str, text: str = "the army used chlorine in Tel Sarout", **kw) -> Claim:
    return Claim(article_id="a1", text=text, claim_type=claim_type, **kw)


@pytest.mark.parametrize("claim_type, model_label, expected", [
    ("denial", "agree", "denies"),  # the claim type wins over the model
    ("counter_accusation", "agree", "counter_accuses"),
    ("allegation", "agree", "supports"),
    ("assertion", "agree", "supports"),
    ("assertion", "discuss", "neutral"),
    ("allegation", "discuss", "supports"),  # unhedged allegation: FNC-1's "discuss" prior does not override it
    ("allegation", "disagree", "denies"),
    ("assertion", "disagree", "denies"),
    ("assertion", "unrelated", "neutral"),
    ("allegation", "unrelated", "supports"),  # linked, unhedged allegation: it affirms the incident
])
def test_claim_stance_mapping(claim_type, model_label, expected):
    assert claim_stance(_claim(claim_type), "chlorine attack in Tel Sarout", FixedClassifier(model_label)) == expected


def test_negated_polarity_denies_and_hedged_allegation_needs_the_model():
    assert claim_stance(_claim("assertion", polarity="negates"), "x", FixedClassifier("agree")) == "denies"
    hedged = _claim("allegation", hedged=True)
    assert claim_stance(hedged, "chlorine attack", FixedClassifier("unrelated")) == "neutral"
    assert claim_stance(hedged, "chlorine attack", FixedClassifier("discuss")) == "neutral"


def test_staging_warning_counter_accuses_and_discrediting_assertion_denies():
    staging = _claim("warning", text="the rebels are preparing a fake chemical attack near Tel Sarout to blame the army")
    assert claim_stance(staging, "chemical attack near Tel Sarout", FixedClassifier("agree")) == "counter_accuses"
    plain_warning = _claim("warning", text="more shelling of Tel Sarout is expected this week")
    assert claim_stance(plain_warning, "shelling of Tel Sarout", FixedClassifier("discuss")) == "neutral"
    discrediting = _claim("assertion", text="the activists keep spreading baseless allegations about chlorine")
    assert claim_stance(discrediting, "chlorine attack", FixedClassifier("agree")) == "denies"


def test_claim_stance_accepts_dicts_and_uses_the_real_model():
    claim = _claim("assertion", text=AGREEING_BODY).to_dict()
    assert claim_stance(claim, HEADLINE) in STANCES
    d = decide(claim, HEADLINE)
    assert d.reason == "model" and set(d.probabilities) == {"agree", "disagree", "discuss", "unrelated"}


# ------------------------------------------------------------------ stance links

def _article():
    text = ("Activists said government forces dropped chlorine on Tel Sarout on Monday. "
            "The ministry denied that any chlorine was used. The weather was mild.")
    allegation_start = text.index("government forces")
    allegation_end = text.index(" on Monday") + len(" on Monday")
    denial_start = text.index("any chlorine")
    denial_end = text.index(" was used") + len(" was used")
    claims = [
        Claim(article_id="a1", text=text[allegation_start:allegation_end], claim_type="allegation",
              content_start=allegation_start, content_end=allegation_end),
        Claim(article_id="a1", text=text[denial_start:denial_end], claim_type="denial", polarity="negates",
              content_start=denial_start, content_end=denial_end),
    ]
    trigger = text.index("dropped chlorine")
    mention = IncidentMention(article_id="a1", event_type="chemical_attack", agent="chlorine", place_name="Tel Sarout",
                              start=trigger, end=trigger + len("dropped chlorine"),
                              evidence=[{"role": "sentence", "start": 0, "end": text.index("Monday.") + 7}])
    links = [
        Link(kind=LinkKind.CLAIM_INCIDENT, from_type="claim", from_id="@claims/claims/0", to_type="mention",
             to_id="@incidents/mentions/0", label="allegation"),
        Link(kind=LinkKind.CLAIM_INCIDENT, from_type="claim", from_id="@claims/claims/1", to_type="mention",
             to_id="@incidents/mentions/0", label="denial"),
        Link(kind=LinkKind.TECHNIQUE_CLAIM, from_type="technique", from_id="@techniques/techniques/0",
             to_type="claim", to_id="@claims/claims/0"),
        Link(kind=LinkKind.CLAIM_INCIDENT, from_type="claim", from_id="@claims/claims/9", to_type="mention",
             to_id="@incidents/mentions/0"),  # unknown claim: skipped
    ]
    return text, claims, [mention], links


def test_stance_links_one_per_claim_incident_link():
    text, claims, mentions, links = _article()
    fake = FixedClassifier("agree")
    out = stance_links(claims, mentions, text, links, classifier=fake)
    assert [(lk.from_id, lk.to_id, lk.label) for lk in out] == [
        ("@claims/claims/0", "@incidents/mentions/0", "supports"),
        ("@claims/claims/1", "@incidents/mentions/0", "denies"),
    ]
    assert all(lk.kind == LinkKind.STANCE and lk.from_type == "claim" and lk.to_type == "mention" for lk in out)
    assert out[0].attrs["reason"] == "model" and out[1].attrs["reason"] == "claim_type"
    # the model read the mention's sentence and the claim's sentence, not the bare fields
    (headline, body), = fake.calls
    assert headline.startswith("Activists said") and "Monday" in body


def test_stance_links_with_stored_ids_and_dicts():
    text, claims, mentions, links = _article()
    pairs = [(101, c.to_dict()) for c in claims[:1]]
    stored = [(7, mentions[0].to_dict())]
    # the store hands link ends back as text
    link = Link(kind="claim_incident", from_type="claim", from_id="101", to_type="mention", to_id="7").to_dict()
    out = stance_links(pairs, stored, text, [link], classifier=FixedClassifier("disagree"))
    assert [(lk.from_id, lk.to_id, lk.label) for lk in out] == [(101, 7, "denies")]


# ------------------------------------------------------------------ text helpers and numpy models

def test_text_helpers():
    assert tokens("They didn't deny it.") == ["they", "didn't", "deny", "it"]
    assert cue_counts(tokens("They didn't deny the hoax, reportedly."))["negation"] == 1
    assert sentences("One. Two!\n\nThree") == ["One.", "Two!", "Three"]
    assert sentences("") == []


def test_mlp_binary_and_shape_errors():
    mlp = MLP([np.eye(2, dtype=np.float32), np.ones((2, 1), dtype=np.float32)], [np.zeros(2), np.zeros(1)])
    p = mlp.predict_proba(np.array([[1.0, 1.0]]))
    assert p.shape == (1, 2) and p.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shape"):
        mlp.predict_proba(np.zeros((1, 3)))


@needs_sklearn
def test_tree_ensemble_matches_sklearn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    x[::17, 2] = np.nan  # missing values follow the learned side
    y = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 2]) > 0).astype(int) + (x[:, 1] > 1).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x, y)
    trees = TreeEnsemble.from_sklearn(model)
    again = TreeEnsemble.from_arrays(trees.to_arrays("t_"), "t_")
    assert np.allclose(again.predict_proba(x), model.predict_proba(x), atol=1e-6)


# ------------------------------------------------------------------ training smoke run

@needs_sklearn
def test_training_script_on_tiny_fixture(tmp_path):
    out = tmp_path / "stance"
    cmd = [sys.executable, str(TRAIN_SCRIPT), "--data", str(FIXTURE), "--out", str(out), "--folds", "2",
           "--hgb-iter", "5", "--mlp-epochs", "2", "--vocab-size", "200", "--designs", "blend"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("model.npz", "vocab.json", "config.json", "scores.json"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert config["design"] == "blend" and config["labels"] == ["agree", "disagree", "discuss", "unrelated"]
    scores = json.loads((out / "scores.json").read_text())
    assert set(scores["cv"]["blend"]) >= {"macro_f1", "f1_agree", "f1_disagree", "f1_discuss", "f1_unrelated"}
    # the exported arrays load in the torch- and sklearn-free runtime
    tiny = StanceClassifier.from_folder(out)
    label, probs = tiny.classify("Penguin escapes the zoo", "The zoo denied that any penguin escaped.")
    assert label in probs and sum(probs.values()) == pytest.approx(1.0, abs=1e-3)
