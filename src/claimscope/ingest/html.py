"""Main-text extraction from HTML pages with trafilatura (title, date, author, site name kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from claimscope.ingest.errors import IngestError

# Pages beyond this many elements are refused rather than parsed: a deeply nested or
# enormous page is either broken or hostile, and lxml would spend minutes on it.
MAX_TREE_SIZE = 200_000


@dataclass
class ExtractedPage:
    text: str
    title: str | None
    date: str | None
    author: str | None
    site_name: str | None
    url: str | None
    language: str | None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml version")) and "<html" in text[:5000].lower() \
        or bool(re.match(r"\s*<(head|body|article|div|p)[\s>]", head))


@lru_cache(maxsize=1)
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based timeouts break in threads
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "50")
    return config


def extract_html(html: str, source: str, url: str | None = None) -> ExtractedPage:
    import trafilatura

    if not html.strip():
        raise IngestError(source, "empty HTML", "check the file or page")
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True, config=_config(),
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on hostile markup
        raise IngestError(source, f"HTML could not be parsed ({type(exc).__name__}: {exc})",
                          "save the page's text as a .txt file and ingest that") from None
    if doc is None:
        raise IngestError(source, "no article text found in the HTML (too short, or over the size limit)",
                          "check that the page holds an article, or save its text as a .txt file")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = (data.get("title") or "").strip() or None
    lines = [line.strip() for line in (data.get("text") or "").split("\n") if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # trafilatura repeats the headline as the first paragraph
    text = "\n\n".join(lines)
    if not text:
        raise IngestError(source, "no article text found in the HTML", "check that the page holds an article")
    return ExtractedPage(text=text, title=title, date=data.get("date"), author=data.get("author"),
                         site_name=data.get("sitename"), url=data.get("url") or url, language=data.get("language"))
