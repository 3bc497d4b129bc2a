"""Sentence segmentation from the shared spaCy parse (later analyzers reuse the same Doc)."""

from __future__ import annotations

from claimscope.model import AnalysisResult, Span
from claimscope.pipeline import AnalysisDoc, Analyzer, register


@register
class SentenceAnalyzer(Analyzer):
    name = "sentences"
    version = "1"
    spacy_components = frozenset({"parser"})
    description = "Splits the text into sentences with the shared spaCy en_core_web_sm parse."

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        spans = []
        for sent in doc.spacy.sents:
            # a headline or dateline without a full stop must not swallow the next paragraph
            for start, end in _split_paragraphs(doc.text, sent.start_char, sent.end_char):
                spans.append(Span(doc.article.id, start, end, "sentence"))
        return AnalysisResult(spans=spans)


def _split_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, cursor = [], start
    while True:
        cut = text.find("\n\n", cursor, end)
        piece_end = end if cut == -1 else cut
        a, b = cursor, piece_end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            pieces.append((a, b))
        if cut == -1:
            return pieces
        cursor = cut + 2
