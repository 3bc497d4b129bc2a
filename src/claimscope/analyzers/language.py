"""Language per paragraph: flags mixed-language articles (quotes in Arabic, bilingual pages)."""

from __future__ import annotations

import re

from claimscope.ingest import detect_language
from claimscope.model import AnalysisResult, Span
from claimscope.pipeline import AnalysisDoc, Analyzer, register

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")


@register
class LanguageAnalyzer(Analyzer):
    name = "language"
    version = "1"
    description = "Detects the language of each paragraph (py3langid), recording spans language:<code>."

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        spans = []
        for match in _PARAGRAPH.finditer(doc.text):
            start, end = match.start(), match.end()
            while end > start and doc.text[end - 1].isspace():
                end -= 1
            if end - start < 20:
                continue
            language, score = detect_language(doc.text[start:end])
            if language:
                spans.append(Span(doc.article.id, start, end, f"language:{language}", score=score))
        return AnalysisResult(spans=spans)
