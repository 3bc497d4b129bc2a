"""Every stored span as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/).

Each annotation targets the stored article text (``urn:claimscope:article:<id>``: the offsets
refer to the text exactly as claimscope stored it, not to the original web page, which is
given as ``scope`` when known) through two selectors: a ``TextQuoteSelector`` (the exact
words plus 32 characters of context either side) and a ``TextPositionSelector`` (code-point
offsets, which is what Python string indices are). Annotation tools re-anchor on either.

Spans covered: generic analyzer spans (sentences, attribution parts ...), each claim's
speaker, cue and content, persuasion-technique spans, incident-mention triggers and
casualty figures. The output is one ``AnnotationCollection`` with a single page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from claimscope.exports import selected_article_ids
from claimscope.exports.claims_jsonld import urn
from claimscope.store.base import Store

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32


def target(article: Any, start: int, end: int) -> dict[str, Any]:
    text = article.text
    out: dict[str, Any] = {
        "source": urn("article", article.id),
        "selector": [
            {"type": "TextQuoteSelector", "exact": text[start:end],
             "prefix": text[max(0, start - CONTEXT_CHARS):start], "suffix": text[end:end + CONTEXT_CHARS]},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }
    if article.url:
        out["scope"] = article.url
    return out


def _annotation(ident: str, article: Any, start: int, end: int, purpose: str, value: str, producer: str,
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    body = [{"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}]
    if extra:
        body.append({"type": "TextualBody", "purpose": "describing", "format": "application/json",
                     "value": json.dumps(extra, ensure_ascii=False, sort_keys=True)})
    return {"id": urn("annotation", ident), "type": "Annotation",
            "motivation": "classifying" if purpose == "classifying" else "tagging",
            "body": body, "target": target(article, start, end),
            "generator": {"type": "Software", "name": f"claimscope {producer}"}}


def annotations_for(store: Store, article: Any) -> Iterator[dict[str, Any]]:
    n = len(article.text)

    def ok(start: Any, end: Any) -> bool:
        return start is not None and end is not None and 0 <= int(start) < int(end) <= n

    for s in store.spans(article.id):
        if ok(s["start"], s["end"]):
            yield _annotation(f"span:{s['id']}", article, s["start"], s["end"], "tagging", s["label"],
                              f"{s['producer']}/{s['producer_version']}", s.get("attrs") or None)
    for c in store.claims(article_id=article.id):
        producer = f"{c['producer']}/{c['producer_version']}"
        info = {"claim_id": c["id"], "claim_type": c["claim_type"], "polarity": c["polarity"],
                "speaker": c["speaker"]}
        for part, start, end in (("speaker", c["source_start"], c["source_end"]), ("cue", c["cue_start"], c["cue_end"]),
                                 ("content", c["content_start"], c["content_end"])):
            if ok(start, end):
                yield _annotation(f"claim:{c['id']}:{part}", article, start, end, "classifying",
                                  f"claim {part} ({c['claim_type']})", producer, info)
    for t in store.technique_spans(article_id=article.id):
        if ok(t["start"], t["end"]):
            yield _annotation(f"technique:{t['id']}", article, t["start"], t["end"], "classifying", t["technique"],
                              f"{t['producer']}/{t['producer_version']}",
                              {"confidence": t["confidence"]} if t["confidence"] is not None else None)
    for m in store.incident_mentions(article_id=article.id):
        if ok(m["start"], m["end"]):
            yield _annotation(f"mention:{m['id']}", article, m["start"], m["end"], "classifying",
                              f"incident: {m['event_type']}", f"{m['producer']}/{m['producer_version']}",
                              {"mention_id": m["id"], "modality": m["modality"], "place": m["place_name"],
                               "date_start": m["date_start"], "agent": m["agent"]})
    for f in store.figures_for(article_ids=[article.id]):
        if ok(f["start"], f["end"]):
            yield _annotation(f"figure:{f['id']}", article, f["start"], f["end"], "classifying",
                              f"casualty figure: {f['kind']}", f"{f['producer']}/{f['producer_version']}",
                              {"low": f["low"], "high": f["high"], "qualifier": f["qualifier"], "group": f["group"],
                               "source": f["source"]})


def iter_annotations(store: Store, selection: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    ids = selected_article_ids(store, selection)
    for article_id in (ids if ids is not None else store.article_ids()):
        article = store.article(article_id)
        if article is not None:
            yield from annotations_for(store, article)


def write_annotations(store: Store, fh: IO[str], *, selection: dict[str, Any] | None = None) -> int:
    """Stream one AnnotationCollection (items written as they are produced)."""
    fh.write('{"@context": "%s", "id": "urn:claimscope:annotations", "type": "AnnotationCollection", '
             '"label": "claimscope spans", "first": {"type": "AnnotationPage", "items": [\n' % ANNO_CONTEXT)
    count = 0
    for annotation in iter_annotations(store, selection):
        fh.write((",\n" if count else "") + json.dumps(annotation, ensure_ascii=False))
        count += 1
    fh.write('\n]}, "total": %d}\n' % count)
    return count
