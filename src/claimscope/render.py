"""Terminal rendering of an article with its stored spans."""

from __future__ import annotations

import textwrap

from claimscope.model import Article
from claimscope.store.base import Store

_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render_article(store: Store, article: Article, *, label_prefix: str | None = None, color: bool = False,
                   width: int = 100) -> str:
    def style(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines = [style(article.title or "(untitled)", _BOLD)]
    outlet = article.outlet or "unknown outlet"
    when = article.published_at or "undated"
    if article.published_precision not in ("day", "datetime", "unknown") and article.published_at:
        when += f" ({article.published_precision})"
    lines.append(f"{outlet} · {when} · {article.language or '?'} · id {article.id}")
    if article.url:
        lines.append(article.url)
    if article.duplicate_of:
        lines.append(f"near-duplicate of {article.duplicate_of} (similarity {article.duplicate_score:.2f})")
    lines.append("")
    for paragraph in article.text.split("\n\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
        lines.append("")
    spans = store.spans(article.id, label_prefix=label_prefix)
    if spans:
        lines.append(style(f"spans ({len(spans)})", _BOLD))
        for span in spans:
            excerpt = article.text[span["start"]:span["end"]].replace("\n", " ")
            if len(excerpt) > width - 40:
                excerpt = excerpt[: width - 43] + "..."
            lines.append(f"  {span['label']:<16} {span['start']:>6}-{span['end']:<6} {style(excerpt, _DIM)}")
    return "\n".join(lines)
