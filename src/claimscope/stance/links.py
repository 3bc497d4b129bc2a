"""Stance links: for each claim→incident link of one article, the claim's stance toward it.

How the lead wires it (an analyzer running after ``incidents``, same article)::

    from claimscope.stance.links import stance_links

    class StanceAnalyzer(Analyzer):
        name, version, requires = "stance", "1", ("claims", "incidents")

        def analyze(self, doc):
            claims = doc.output("claims").claims          # or (id, row) pairs from the store
            incidents = doc.output("incidents")
            links = stance_links(claims, incidents.mentions, doc.text, incidents.links)
            return AnalysisResult(links=links)

``claims`` and ``mentions`` are either records (``Claim``/``IncidentMention`` or their dicts)
or ``(ref, record)`` pairs. Plain records are given the references the pipeline uses within
one run, ``@claims/claims/<i>`` and ``@incidents/mentions/<i>`` (or their stored ``id`` when
set), so they match the ``from_id``/``to_id`` of the incidents analyzer's
``LinkKind.CLAIM_INCIDENT`` links. Every such link yields one ``LinkKind.STANCE`` link
(claim -> mention) whose ``label`` is the stance, ``score`` its confidence and ``attrs`` the
reason and the FNC-1 probabilities; links of other kinds, or whose claim or mention is not
among those given, are skipped. Mentions are described to the model by the article
sentence(s) holding their trigger and evidence, claims by the sentence(s) around their
content span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from claimscope.model import Link, LinkKind
from claimscope.stance.mapping import decide

PRODUCER = "stance"
VERSION = "1"
_SENTENCE_END = re.compile(r"[.!?]['\"\u201d\u2019)]?\s|\n")


def _get(record: Any, name: str, default=None):
    return record.get(name, default) if isinstance(record, dict) else getattr(record, name, default)


def _with_refs(items: Iterable[Any], producer: str, collection: str) -> dict[str, tuple[Any, Any]]:
    """str(reference) -> (reference, record). Keys are strings because the store returns link
    ends as text ('17') while records carry integer ids (17)."""
    out: dict[str, tuple[Any, Any]] = {}
    for i, item in enumerate(items):
        if isinstance(item, tuple) and len(item) == 2:
            ref, record = item
        else:
            record = item
            ref = _get(item, "id")
            in_run = f"@{producer}/{collection}/{i}"  # the in-run reference, whatever the id
            out[in_run] = (in_run if ref is None else ref, record)
        if ref is not None:
            out[str(ref)] = (ref, record)
    return out


def sentence_around(text: str, start: int, end: int, limit: int = 600) -> str:
    """The sentence(s) of ``text`` covering [start, end), cut to ``limit`` characters."""
    if not text:
        return ""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = _SENTENCE_END.search(text, max(start, end - 1))
    right = right_match.end() if right_match else len(text)
    return text[left:right].strip()[:limit]


def describe_mention(mention: Any, text: str) -> str:
    """An incident mention in words: its sentence(s) in the article, else its fields."""
    spans = [(e["start"], e["end"]) for e in (_get(mention, "evidence") or []) if e.get("role") == "sentence"]
    if not spans and _get(mention, "end", 0) > _get(mention, "start", 0):
        spans = [(_get(mention, "start"), _get(mention, "end"))]
    if text and spans:
        a, b = spans[0]
        return sentence_around(text, a, b)
    parts = [_get(mention, "agent"), _get(mention, "event_type"), _get(mention, "place_name"), _get(mention, "date_text")]
    return " ".join(str(p).replace("_", " ") for p in parts if p)


def describe_claim(claim: Any, text: str) -> str:
    start, end = _get(claim, "content_start", 0) or 0, _get(claim, "content_end", 0) or 0
    if text and end > start:
        return sentence_around(text, start, end)
    return str(_get(claim, "text", "") or "")


def stance_links(claims: Sequence[Any], mentions: Sequence[Any], text: str, links: Iterable[Link | dict],
                 classifier=None, *, claims_producer: str = "claims", incidents_producer: str = "incidents") -> list[Link]:
    """One ``stance`` Link per claim→incident link (see the module docstring)."""
    claim_of = _with_refs(claims, claims_producer, "claims")
    mention_of = _with_refs(mentions, incidents_producer, "mentions")
    out: list[Link] = []
    seen: set[tuple[Any, Any]] = set()
    for link in links:
        kind = str(_get(link, "kind"))
        if kind != LinkKind.CLAIM_INCIDENT.value:
            continue
        claim_hit, mention_hit = claim_of.get(str(_get(link, "from_id"))), mention_of.get(str(_get(link, "to_id")))
        if claim_hit is None or mention_hit is None:
            continue
        (claim_ref, claim), (mention_ref, mention) = claim_hit, mention_hit
        if (claim_ref, mention_ref) in seen:
            continue
        seen.add((claim_ref, mention_ref))
        decision = decide(claim, describe_mention(mention, text), classifier, context=describe_claim(claim, text))
        out.append(Link(kind=LinkKind.STANCE, from_type="claim", from_id=claim_ref, to_type="mention",
                        to_id=mention_ref, label=decision.stance, score=round(float(decision.score), 4),
                        producer=PRODUCER, producer_version=VERSION, attrs=decision.attrs()))
    return out
