"""Cut an article's text into flat segments carrying every overlapping annotation.

Claims (speaker, cue, content), technique spans and incident-mention triggers overlap
freely; HTML elements must nest. Cutting the text at every span boundary gives segments
that each carry the set of annotations covering them, which the template renders as one
``<span>`` per segment (text escaped by the template engine, never marked safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    text: str
    start: int
    end: int
    roles: set[str] = field(default_factory=set)  # c-speaker, c-cue, c-content, incident, hl
    claim_ids: list[int] = field(default_factory=list)
    claim_types: set[str] = field(default_factory=set)
    techniques: list[str] = field(default_factory=list)
    mention_ids: list[int] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # element ids starting here (claim-12, mention-3, hl)

    @property
    def css_class(self) -> str:
        names = sorted(self.roles) + [f"ct-{t}" for t in sorted(self.claim_types)]
        if self.techniques:
            names.append("tech")
        return " ".join(names)


def segments(text: str, *, claims: list[dict[str, Any]] = (), techniques: list[dict[str, Any]] = (),
             mentions: list[dict[str, Any]] = (), highlight: tuple[int, int] | None = None) -> list[Segment]:
    """Segments covering ``text`` exactly once, in order (their texts concatenate to ``text``)."""
    n = len(text)
    marks: list[tuple[int, int, str, Any]] = []  # (start, end, kind, payload)

    def add(start: Any, end: Any, kind: str, payload: Any) -> None:
        if start is None or end is None:
            return
        start, end = max(0, int(start)), min(n, int(end))
        if end > start:
            marks.append((start, end, kind, payload))

    for c in claims:
        add(c.get("source_start"), c.get("source_end"), "c-speaker", c)
        add(c.get("cue_start"), c.get("cue_end"), "c-cue", c)
        add(c.get("content_start"), c.get("content_end"), "c-content", c)
    for t in techniques:
        add(t["start"], t["end"], "technique", t)
    for m in mentions:
        add(m["start"], m["end"], "incident", m)
    if highlight:
        add(highlight[0], highlight[1], "hl", None)

    cuts = {0, n}
    for start, end, _, _ in marks:
        cuts.update((start, end))
    bounds = sorted(cuts)
    out = [Segment(text[a:b], a, b) for a, b in zip(bounds, bounds[1:])]
    starts = {s.start: i for i, s in enumerate(out)}
    for start, end, kind, payload in sorted(marks, key=lambda m: (m[0], -m[1])):
        i = starts[start]
        first = True
        while i < len(out) and out[i].start < end:
            seg = out[i]
            if kind == "technique":
                if payload["technique"] not in seg.techniques:
                    seg.techniques.append(payload["technique"])
            elif kind == "incident":
                seg.roles.add("incident")
                seg.mention_ids.append(int(payload["id"]))
                if first:
                    seg.anchors.append(f"mention-{payload['id']}")
            elif kind == "hl":
                seg.roles.add("hl")
                if first:
                    seg.anchors.append("hl")
            else:
                seg.roles.add(kind)
                if payload.get("id") is not None and int(payload["id"]) not in seg.claim_ids:
                    seg.claim_ids.append(int(payload["id"]))
                seg.claim_types.add(str(payload.get("claim_type", "")))
                if first and kind == "c-content" and payload.get("id") is not None:
                    seg.anchors.append(f"claim-{payload['id']}")
            first = False
            i += 1
    return out
