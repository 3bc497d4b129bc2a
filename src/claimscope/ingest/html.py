"""Main-text extraction from HTML pages with trafilatura (title, date, author, site name kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from claimscope.ingest.errors import IngestError

# Pages with more than this many tags are refused before parsing: a real article page has a
# few thousand; trafilatura's own MAX_TREE_SIZE only checks its *output*, after the costly work.
MAX_TREE_SIZE = 50_000
# trafilatura's paragraph handling is quadratic in the number of inline children of one
# element (20,000 links in one <p> took 40 s). Inside an element with more children than this,
# every tag but block structure is flattened to its text before extraction (links, formatting
# and images are not kept anyway).
MAX_INLINE_CHILDREN = 200
_BLOCK_TAGS = frozenset({"p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
                         "tfoot", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                         "pre", "article", "section", "main", "header", "footer", "aside", "nav", "figure",
                         "figcaption", "details", "summary", "head", "body", "html"})
_START_TAG = re.compile(r"<[A-Za-z]")


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
    tags = len(_START_TAG.findall(html))
    if tags > MAX_TREE_SIZE:
        raise IngestError(source, f"HTML has {tags:,} tags, over the {MAX_TREE_SIZE:,}-tag limit (a broken or "
                                  "hostile page)", "save the page's text as a .txt file and ingest that")
    try:
        tree = _defused_tree(html)
        if tree is None:
            raise IngestError(source, "no article text found in the HTML (not parseable as a page)",
                              "check that the page holds an article, or save its text as a .txt file")
        doc = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True, config=_config(),
        )
    except IngestError:
        raise
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


def _defused_tree(html: str):
    """Parse as trafilatura does, then flatten inline formatting in any element with more than
    MAX_INLINE_CHILDREN children (the text is kept, only the tags go)."""
    from lxml import etree
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None or html.count("<") < MAX_INLINE_CHILDREN:
        return tree
    wide = [el for el in tree.iter() if len(el) > MAX_INLINE_CHILDREN]
    for element in wide:
        inline = {node.tag for node in element.iter() if isinstance(node.tag, str) and node.tag not in _BLOCK_TAGS}
        if inline:
            etree.strip_tags(element, *inline)
        # libxml2 keeps the stripped tags' texts as thousands of adjacent text nodes, which
        # every later .text read concatenates again: write each run back as one node
        element.text = element.text
        for child in element:
            child.tail = child.tail
    return tree
