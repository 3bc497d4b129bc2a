"""Stance of claims toward incidents (supports / denies / counter_accuses / neutral).

* :class:`StanceClassifier` - FNC-1 headline/body stance (agree, disagree, discuss, unrelated),
  gradient-boosted trees and/or an MLP evaluated with numpy (docs/stance.md);
* :func:`claim_stance` - a claim's stance toward an incident description, from its claim
  type first and the model second;
* :func:`stance_links` - ``LinkKind.STANCE`` links for an article's claim→incident links.
"""

from claimscope.stance.classifier import LABELS, StanceClassifier
from claimscope.stance.links import stance_links
from claimscope.stance.mapping import STANCES, claim_stance, decide

__all__ = ["LABELS", "STANCES", "StanceClassifier", "claim_stance", "decide", "stance_links"]
