"""Registry of persuasion-technique detectors, so callers pick one by name.

A detector has a ``name``, a ``version`` and ``detect(text) -> list[DetectedSpan]``.
Registered: ``lexicon`` (the cue-lexicon baseline), ``model`` (the trained span model in
``claimscope/models/persuasion/``) and ``model+lexicon`` (their union, for the techniques
the model's config names). The model detectors import onnxruntime only when created, and
raise FileNotFoundError when the model files are not installed. Other detectors register
with :func:`register_detector`; the benchmark and the pipeline reach them with
``get_detector(name)``.
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol

from claimscope.model import TechniqueSpan

from .lexicon import DetectedSpan, LexiconDetector


class Detector(Protocol):
    name: str
    version: str

    def detect(self, text: str) -> list[DetectedSpan]: ...


def _model_detector(**options) -> Detector:
    from .model import ModelDetector  # onnxruntime is imported only when a model is wanted

    return ModelDetector(**options)


def _model_lexicon_detector(**options) -> Detector:
    from .model import ModelLexiconDetector

    return ModelLexiconDetector(**options)


_FACTORIES: dict[str, Callable[..., Detector]] = {
    "lexicon": LexiconDetector, "model": _model_detector, "model+lexicon": _model_lexicon_detector,
}


def register_detector(name: str, factory: Callable[..., Detector], *, replace: bool = False) -> None:
    """Make ``get_detector(name, **options)`` call ``factory(**options)``."""
    if name in _FACTORIES and not replace:
        raise ValueError(f"a persuasion detector named {name!r} is already registered (pass replace=True)")
    _FACTORIES[name] = factory


def available_detectors() -> list[str]:
    return sorted(_FACTORIES)


def get_detector(name: str = "lexicon", **options) -> Detector:
    """A new detector instance; ``options`` go to its constructor
    (for ``lexicon``: ``min_confidence``, ``techniques``, ``repetition``)."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(f"no persuasion detector named {name!r}; available: {', '.join(available_detectors())}") from None
    return factory(**options)


def technique_spans(detector: Detector, article_id: str, text: str) -> list[TechniqueSpan]:
    """Run ``detector`` on an article's text and return model records for the store."""
    return to_technique_spans(article_id, detector.detect(text), producer=f"rhetoric.{detector.name}",
                              producer_version=detector.version)


def to_technique_spans(article_id: str, spans: Iterable[DetectedSpan], producer: str,
                       producer_version: str) -> list[TechniqueSpan]:
    return [
        TechniqueSpan(article_id=article_id, start=s.start, end=s.end, technique=s.technique,
                      confidence=round(float(s.confidence), 4), producer=producer,
                      producer_version=producer_version)
        for s in spans
    ]
