"""Persuasion techniques: the taxonomy, detectors, and span-level scoring.

    from claimscope.rhetoric import get_detector
    spans = get_detector("lexicon").detect(text)   # [DetectedSpan(technique, start, end, confidence)]

Modules: :mod:`.taxonomy` (23 techniques in 6 groups), :mod:`.lexicon` and :mod:`.cues`
(the baseline detector), :mod:`.detectors` (registry by name), :mod:`.scoring` (the
SemEval span metric), :mod:`.corpus` (reader for the shared-task data, benchmark use).
"""

from .detectors import (
    Detector, available_detectors, get_detector, register_detector, technique_spans, to_technique_spans,
)
from .lexicon import DetectedSpan, LexiconDetector
from .taxonomy import GROUPS, LABELS, TECHNIQUES, Technique, get_technique

__all__ = [
    "DetectedSpan", "Detector", "GROUPS", "LABELS", "LexiconDetector", "TECHNIQUES", "Technique",
    "available_detectors", "get_detector", "get_technique", "register_detector", "technique_spans",
    "to_technique_spans",
]
