"""Read PolNeAR-style brat standoff annotations into :class:`Attribution` records.

PolNeAR (Newell, Margolin & Ruths, LREC 2018) stores each article as ``text/<name>.txt``
and one ``attributions/<name>_<annotator>.ann`` per annotator. The ``.ann`` lines used here:

``T<n>\\t<Role> <start> <end>[;<start> <end>...]\\t<covered text>``
    a text-bound span. Roles: ``Source``, ``Cue``, ``Content`` (and ``Attribution`` /
    ``Attribution-no-source``, the relation trigger, which repeats the cue). A span may be
    *discontinuous*: fragments are separated by ``;`` and the covered text joins them with
    one space. The covered text may itself contain newlines, so continuation lines (not
    starting with an id) occur and are skipped.
``E<n>\\tAttribution:T<a> Content:T<b> Cue:T<c> Source:T<d> [Content2:T<e>]``
    the relation, in any argument order; ``Attribution-no-source:T<a>`` has no source;
    ``Content2`` is a second content fragment of the same attribution.
``Discard`` / ``Discuss`` spans and ``#`` annotator notes are ignored.

Each role of an :class:`Attribution` is one ``[start, end)`` range, so a discontinuous
role is stored as its hull (first fragment start to last fragment end) and its fragments
go to ``extra["<role>_parts"]`` (only when there is more than one). The scorer uses the
hull for exact matching and the fragments for token overlap.

Articles annotated by several annotators (the agreement checks) are read from one file:
the one whose annotator id sorts first, so the choice is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from claimscope.claims.attribution import Attribution, Range

_TEXTBOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_EVENT = re.compile(r"^(E\d+)\t(.*)$")
_ANN_NAME = re.compile(r"^(?P<article>.+)_(?P<annotator>[0-9a-f]{4})\.ann$")
_QUOTES = "\"“”«»„‟'‘’"

ROLE_NAMES = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}
TRIGGERS = {"Attribution", "Attribution-no-source"}


@dataclass
class BratArticle:
    name: str  # file stem of the text, e.g. "outlet_2016-01-01_title"
    text: str
    attributions: list[Attribution]
    annotator: str = ""
    skipped: list[str] = field(default_factory=list)  # event ids lacking a cue or a content


def parse_ann(ann: str, text: str, *, where: str = "<ann>") -> tuple[list[Attribution], list[str]]:
    """Attributions from the content of one ``.ann`` file over ``text``.

    Returns ``(attributions, skipped_event_ids)``; an event without a cue or a content
    cannot be an :class:`Attribution` and is reported in the second list instead.
    Raises ``ValueError`` naming ``where`` and the line on malformed input.
    """
    spans: dict[str, tuple[str, list[Range]]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for lineno, line in enumerate(ann.splitlines(), 1):
        if line.startswith("T"):
            m = _TEXTBOUND.match(line)
            if not m:
                if re.match(r"^T\d+\t", line):
                    raise ValueError(f"{where}:{lineno}: malformed text-bound line {line[:80]!r}")
                continue  # a continuation line of a multi-line covered text
            parts = []
            for frag in m.group(3).split(";"):
                start, end = (int(x) for x in frag.split())
                if not 0 <= start <= end <= len(text):
                    raise ValueError(f"{where}:{lineno}: span {start}-{end} outside the text (length {len(text)})")
                parts.append((start, end))
            spans[m.group(1)] = (m.group(2), parts)
        elif line.startswith("E"):
            m = _EVENT.match(line)
            if not m:
                continue
            args = []
            for arg in m.group(2).split():
                if ":" not in arg:
                    raise ValueError(f"{where}:{lineno}: event argument {arg!r} is not Role:Id")
                role, ref = arg.split(":", 1)
                args.append((role, ref))
            events.append((m.group(1), args))

    attributions: list[Attribution] = []
    skipped: list[str] = []
    for event_id, args in events:
        roles: dict[str, list[Range]] = {}
        has_source_trigger = True
        for role, ref in args:
            if role in TRIGGERS:
                has_source_trigger = role == "Attribution"
                continue
            key = ROLE_NAMES.get(role)
            if key is None:
                continue
            if ref not in spans:
                raise ValueError(f"{where}: event {event_id} refers to unknown span {ref}")
            roles.setdefault(key, []).extend(spans[ref][1])
        if "cue" not in roles or "content" not in roles:
            skipped.append(event_id)
            continue
        attributions.append(_make_attribution(text, roles, has_source_trigger))
    attributions.sort(key=lambda a: (a.cue, a.content))
    return attributions, skipped


def _make_attribution(text: str, roles: dict[str, list[Range]], has_source: bool) -> Attribution:
    extra: dict = {}
    hulls: dict[str, Range] = {}
    for role, parts in roles.items():
        parts = sorted(set(parts))
        hulls[role] = (parts[0][0], parts[-1][1])
        if len(parts) > 1:
            extra[f"{role}_parts"] = parts
    source = hulls.get("source") if has_source else None
    return Attribution(
        cue=hulls["cue"], content=hulls["content"], source=source,
        source_kind="named" if source else "anonymous",
        quote_type=quote_type(text[hulls["content"][0]:hulls["content"][1]]),
        producer="gold", extra=extra,
    )


def quote_type(content: str) -> str:
    """``direct`` if the content is wrapped in quotes, ``mixed`` if it contains some, else ``indirect``."""
    stripped = content.strip().rstrip(".,;:")
    if len(stripped) >= 2 and stripped[0] in _QUOTES and stripped[-1] in _QUOTES:
        return "direct"
    if any(q in content for q in "\"“”"):
        return "mixed"
    return "indirect"


def load_article(text_path: Path, ann_path: Path) -> BratArticle:
    text = Path(text_path).read_text(encoding="utf-8")
    attributions, skipped = parse_ann(Path(ann_path).read_text(encoding="utf-8"), text, where=str(ann_path))
    m = _ANN_NAME.match(Path(ann_path).name)
    return BratArticle(name=Path(text_path).stem, text=text, attributions=attributions,
                       annotator=m.group("annotator") if m else "", skipped=skipped)


def load_split(split_dir: Path) -> list[BratArticle]:
    """Every article of a split folder (``text/`` + ``attributions/``), sorted by name.

    Raises ``FileNotFoundError`` naming the folder if it lacks either sub-folder, and
    ``ValueError`` if an annotation file has no matching text.
    """
    split_dir = Path(split_dir)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    for folder in (text_dir, ann_dir):
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} not found: a brat split folder needs text/ and attributions/")
    chosen: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        m = _ANN_NAME.match(ann.name)
        article = m.group("article") if m else ann.stem
        chosen.setdefault(article, ann)  # sorted, so the first annotator id wins
    articles = []
    for article, ann in sorted(chosen.items()):
        text_path = text_dir / f"{article}.txt"
        if not text_path.is_file():
            raise ValueError(f"{ann}: no matching text file {text_path}")
        articles.append(load_article(text_path, ann))
    return articles
