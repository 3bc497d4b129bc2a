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
    claims = store.claims(article_id=article.id)
    if claims and label_prefix is None:
        by_claim = techniques_by_claim(store, article.id)
        lines.append(style(f"claims ({len(claims)})", _BOLD))
        for claim in claims:
            lines.append(claim_line(claim, by_claim.get(claim["id"], []), color=color, width=width))
        lines.append("")
    mentions = store.incident_mentions(article_id=article.id)
    if mentions and label_prefix is None:
        from claimscope.incidents.records import describe

        lines.append(style(f"incident mentions ({len(mentions)})", _BOLD))
        for mention in sorted(mentions, key=lambda m: (not m["is_main"], m["start"])):
            lines.extend(textwrap.wrap(describe(mention), width, initial_indent="  ", subsequent_indent="      "))
        lines.append("")
    techniques = store.technique_spans(article_id=article.id)
    if techniques and label_prefix is None:
        lines.append(style(f"persuasion techniques ({len(techniques)})", _BOLD))
        lines.append(highlight_techniques(article.text, techniques, color=color, width=width))
        lines.append("")
    spans = store.spans(article.id, label_prefix=label_prefix) if label_prefix is not None else []
    if spans:
        lines.append(style(f"spans ({len(spans)})", _BOLD))
        for span in spans:
            excerpt = article.text[span["start"]:span["end"]].replace("\n", " ")
            if len(excerpt) > width - 40:
                excerpt = excerpt[: width - 43] + "..."
            lines.append(f"  {span['label']:<16} {span['start']:>6}-{span['end']:<6} {style(excerpt, _DIM)}")
    return "\n".join(lines)


_TYPE_COLORS = {"allegation": "\033[31m", "denial": "\033[34m", "counter_accusation": "\033[35m",
                "estimate": "\033[33m", "commitment": "\033[32m", "warning": "\033[91m", "call": "\033[36m",
                "assertion": ""}
_TECHNIQUE_COLORS = ["\033[41m", "\033[42m", "\033[43m", "\033[44m", "\033[45m", "\033[46m"]


def techniques_by_claim(store: Store, article_id: str | None = None) -> dict[int, list[str]]:
    """claim id -> technique names linked to it (``technique_claim`` links)."""
    out: dict[int, list[str]] = {}
    for link in store.links(kind="technique_claim"):
        if article_id is not None and link.get("article_id") != article_id:
            continue
        name = (link["label"] or "").replace("_", " ").replace("-", "/").lower()
        names = out.setdefault(int(link["to_id"]), [])
        if name not in names:
            names.append(name)
    return out


def claim_line(claim: dict, techniques: list[str], *, color: bool = False, width: int = 100) -> str:
    """ "[denial −] Syrian Foreign Ministry: «...» (cw 0.81; using doubt, name calling)" """
    kind = claim["claim_type"]
    tag = f"[{kind}{' −' if claim['polarity'] == 'negates' else ''}{' ~' if claim['hedged'] else ''}]"
    if color:
        tag = f"{_TYPE_COLORS.get(kind, '')}{tag}{_RESET}"
    speaker = claim["speaker"] or f"({claim['source_kind']})"
    mention = (claim.get("attrs") or {}).get("speaker_mention")
    if mention and mention.lower() != (claim["speaker"] or "").lower():
        speaker += f" ← “{mention}”"
    extras = []
    if claim.get("checkworthiness") is not None:
        extras.append(f"cw {claim['checkworthiness']:.2f}")
    if techniques:
        extras.append("using " + ", ".join(techniques))
    text = claim["text"].replace("\n", " ")
    if len(text) > 160:
        text = text[:157] + "..."
    return f"  {tag} {speaker}: «{text}»" + (f"  ({'; '.join(extras)})" if extras else "")


def _technique_name(label: str) -> str:
    """Plain-language name of a technique label ("Name calling or labelling"); unknown labels as is."""
    from claimscope.rhetoric.taxonomy import get_technique

    try:
        return get_technique(label).name
    except KeyError:
        return label


def highlight_techniques(text: str, spans: list[dict], *, color: bool = False, width: int = 100) -> str:
    """Each technique span in its sentence context, the span marked (a background colour per
    technique, or ⟦ ⟧ without colour) and named; spans in text order, overlapping spans of
    different techniques each get their own line."""
    names = sorted({s["technique"] for s in spans})
    palette = {name: _TECHNIQUE_COLORS[i % len(_TECHNIQUE_COLORS)] for i, name in enumerate(names)}
    label_width = min(34, max(len(_technique_name(n)) for n in names)) if names else 0
    lines = []
    for span in sorted(spans, key=lambda s: (s["start"], s["end"], s["technique"])):
        start, end = span["start"], span["end"]
        left = max(text.rfind("\n", 0, start) + 1, start - 50)
        right = min([i for i in (text.find("\n", end), end + 50) if i != -1])
        inner = text[start:end].replace("\n", " ")
        marked = f"{palette[span['technique']]}{inner}{_RESET}" if color else f"⟦{inner}⟧"
        context = (text[left:start] + marked + text[end:right]).replace("\n", " ")
        conf = f" {span['confidence']:.2f}" if span.get("confidence") is not None else ""
        name = _technique_name(span["technique"])
        if color:
            name = f"{palette[span['technique']]}{name:<{label_width}}{_RESET}"
        else:
            name = f"{name:<{label_width}}"
        lines.append(f"  {name}{conf}  …{context}…")
    return "\n".join(lines)
