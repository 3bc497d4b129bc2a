"""Check-worthiness: is a sentence a factual claim worth verifying?

A MiniLM sentence classifier fine-tuned on CLEF CheckThat! 2024 Task 1 (English); see
``claimscope/models/checkworthy/MODEL_CARD.md`` for data, scores and limits.

    scorer = CheckworthinessScorer.default()
    probs = scorer.score(["Prices rose 12 percent in May.", "Thank you all."])
    worth_checking = [p >= scorer.threshold for p in probs]
"""

from __future__ import annotations

import functools
import json
from typing import Sequence

from claimscope.nn.onnx_runtime import OnnxTextModel, _read_resource, model_resource_dir

MODEL_NAME = "checkworthy"


class CheckworthinessScorer:
    """Probability that each sentence is a check-worthy factual claim (class ``Yes``)."""

    def __init__(self, model: OnnxTextModel, config: dict):
        labels = config.get("labels", [])
        positive = config.get("positive_label", "Yes")
        if positive not in labels:
            raise ValueError(f"{MODEL_NAME}/config.json: positive_label {positive!r} is not among labels {labels}")
        self.model = model
        self.config = config
        self.positive_index = labels.index(positive)
        # Tuned for F1 of class Yes on the selection split (held-out debates of train), not 0.5:
        # the task is imbalanced.
        self.threshold = float(config["threshold"])

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> "CheckworthinessScorer":
        """The shipped model, loaded once per process (loading takes about a second)."""
        config = json.loads(_read_resource(model_resource_dir(MODEL_NAME), "config.json"))
        return cls(OnnxTextModel.from_resources(MODEL_NAME), config)

    def score(self, texts: Sequence[str]) -> list[float]:
        """P(check-worthy) for each text, in input order; an empty list gives an empty list."""
        probs = self.model.probabilities(texts)
        return [float(p) for p in probs[:, self.positive_index]] if len(probs) else []

    def is_checkworthy(self, texts: Sequence[str]) -> list[bool]:
        return [p >= self.threshold for p in self.score(texts)]
