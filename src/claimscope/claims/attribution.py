"""The attribution record shared by the rule-based extractor, the trained tagger and the scorer.

An attribution is a relation between a *source* (who), a *cue* (the word(s) signalling the
attribution: "said", "according to", "denied") and a *content* (what is attributed), each a
``[start, end)`` character range into the article text (PolNeAR's three roles).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Range = tuple[int, int]


@dataclass
class Attribution:
    cue: Range
    content: Range
    source: Range | None = None  # None for "according to reports", "it is claimed"
    source_kind: str = "named"  # named | anonymous | outlet | document
    quote_type: str = "indirect"  # direct | indirect | mixed
    score: float = 1.0
    producer: str = "rules"
    extra: dict = field(default_factory=dict)  # e.g. {"cue_lemma": "deny", "negated": True}

    def text(self, article_text: str, role: str) -> str:
        span = getattr(self, role)
        return "" if span is None else article_text[span[0]:span[1]]
