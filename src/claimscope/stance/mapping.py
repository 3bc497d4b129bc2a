"""A claim's stance toward an incident: supports / denies / counter_accuses / neutral.

The claims analyzer already knows the speech act of a claim (docs/claims.md), and for the
domain's decisive acts that is more reliable than any headline/body model trained on
FNC-1's celebrity and tech rumours. So the act decides first, the model only after:

1. claim type ``denial`` (or polarity ``negates``)          -> ``denies``
2. claim type ``counter_accusation``                      -> ``counter_accuses``
3. a ``warning`` that someone will stage or fake the incident ("the rebels are preparing a
   fake chemical attack")                                  -> ``counter_accuses``
4. an ``assertion`` discrediting the allegation as propaganda or fabrication ("they spread
   baseless allegations about ...")                        -> ``denies``
5. otherwise the FNC-1 model reads (incident description, claim sentence):
   ``agree`` -> ``supports``, ``disagree`` -> ``denies``, ``discuss`` and ``unrelated`` ->
   ``neutral``; except that an *unhedged allegation* the model does not read as
   ``disagree`` stays ``supports``: the incidents analyzer linked it because its content covers
   the incident's trigger, and alleging an attack affirms it, whatever FNC-1's prior that a
   sentence with a reporting verb "discusses".

Rules 3 and 4 reuse the claims analyzer's own patterns (``claimscope.claims.types``), so the
two modules agree on what staging and discrediting look like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claimscope.claims.types import DISCREDIT, LYING, STAGED
from claimscope.model import Claim

SUPPORTS, DENIES, COUNTER_ACCUSES, NEUTRAL = "supports", "denies", "counter_accuses", "neutral"
STANCES = (SUPPORTS, DENIES, COUNTER_ACCUSES, NEUTRAL)
FNC_TO_STANCE = {"agree": SUPPORTS, "disagree": DENIES, "discuss": NEUTRAL, "unrelated": NEUTRAL}


@dataclass
class StanceDecision:
    stance: str
    score: float  # confidence in ``stance``: 1.0 for a rule on the claim type, else the model's probability
    reason: str  # "claim_type", "claim_content", "model" or "claim_type+model"
    fnc_label: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)

    def attrs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"reason": self.reason}
        if self.fnc_label is not None:
            out["fnc_label"] = self.fnc_label
            out["fnc_probabilities"] = self.probabilities
        return out


def _field(claim: Claim | dict, name: str, default=None):
    value = claim.get(name, default) if isinstance(claim, dict) else getattr(claim, name, default)
    return getattr(value, "value", value)  # enums -> their string value


def decide(claim: Claim | dict, incident_description: str, classifier=None, context: str | None = None) -> StanceDecision:
    """The full decision with its evidence; ``context`` (the claim's sentence) is read instead of the
    bare claim text when given, since FNC-1 bodies are whole articles, not clauses."""
    claim_type = str(_field(claim, "claim_type", "assertion") or "assertion")
    polarity = str(_field(claim, "polarity", "affirms") or "affirms")
    if claim_type == "denial" or polarity == "negates":
        return StanceDecision(DENIES, 1.0, "claim_type")
    if claim_type == "counter_accusation":
        return StanceDecision(COUNTER_ACCUSES, 1.0, "claim_type")
    content = str(_field(claim, "text", "") or "")
    if claim_type == "warning" and STAGED.search(content):
        return StanceDecision(COUNTER_ACCUSES, 0.9, "claim_content")
    if claim_type == "assertion" and (LYING.search(content) or DISCREDIT.search(content)) and \
            re.search(r"\b(allegations?|claims?|accusations?|reports?|news|stor(?:y|ies)|propaganda)\b", content, re.I):
        return StanceDecision(DENIES, 0.8, "claim_content")
    if classifier is None:
        from claimscope.stance.classifier import StanceClassifier

        classifier = StanceClassifier.default()
    label, probs = classifier.classify(incident_description or "", context or content)
    stance = FNC_TO_STANCE[label]
    if label in ("unrelated", "discuss") and claim_type == "allegation" and not _field(claim, "hedged", False):
        return StanceDecision(SUPPORTS, max(0.5, probs["agree"]), "claim_type+model", label, probs)
    return StanceDecision(stance, probs[label], "model", label, probs)


def claim_stance(claim: Claim | dict, incident_mention_description: str, classifier=None) -> str:
    """``supports`` | ``denies`` | ``counter_accuses`` | ``neutral`` of ``claim`` toward the incident."""
    return decide(claim, incident_mention_description, classifier).stance
