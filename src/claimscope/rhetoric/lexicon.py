"""A lexicon-and-pattern baseline detector for persuasion techniques.

This is the *simple baseline* that trained span models are compared against, and the
run-time fallback when no model is installed. It matches the hand-written cue patterns of
:mod:`claimscope.rhetoric.cues` (loaded words, labels, "so-called X", doubting questions,
flag-waving phrases, either/or constructions, ...) and widens each match to a span of the
size annotators typically mark for that technique: a word or short phrase for loaded
language and labels, a clause for fear appeals, a sentence for doubting questions.

Expect useful precision on loaded words and labels and low recall overall: most
techniques are about argument structure, which a word list cannot see.

Everything is precompiled regular expressions: no model, no parser; a few milliseconds
per article.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, NamedTuple

from .cues import (
    CLAUSE, CUE_GROUPS, DOUBT_QUESTION, DOUBT_QUESTION_CONFIDENCE, LABEL, MATCH, PHRASE, REPEATABLE,
    REPETITION_CONFIDENCE, SENTENCE, TAIL, CueGroup,
)

VERSION = "0.1.0"

# Cue groups below this confidence are left out by default. Chosen on the train split as
# the threshold with the best technique-aware micro-F1 (see bench/persuasion.py).
DEFAULT_MIN_CONFIDENCE = 0.1


class DetectedSpan(NamedTuple):
    """A technique found in a text: ``text[start:end]``, end exclusive."""

    technique: str
    start: int
    end: int
    confidence: float


# ---------------------------------------------------------------------------------------
# fast cue matching

def _split_leading_group(term: str) -> list[str]:
    """``(a|b)?rest`` -> ``["arest", "brest", "rest"]``, so that every variant of a term
    starts with literal letters and can be indexed by them; other terms are unchanged."""
    if not term.startswith("(") or term.startswith("(?"):
        return [term]
    depth, alternatives, current, rest = 0, [], "", None
    for i, ch in enumerate(term):
        if ch == "(":
            depth += 1
            if depth == 1:
                continue
        elif ch == ")":
            depth -= 1
            if depth == 0:
                alternatives.append(current)
                rest = term[i + 1:]
                break
        elif ch == "|" and depth == 1:
            alternatives.append(current)
            current = ""
            continue
        current += ch
    if rest is None or rest[:1] in ("*", "+", "{"):
        return [term]  # unbalanced or repeated group: leave it to the regex engine
    optional = rest.startswith("?")
    rest = rest[1:] if optional else rest
    out = [t for alt in alternatives for t in _split_leading_group(alt + rest)]
    if optional and rest.strip():
        out += _split_leading_group(re.sub(r"^(?:\\s[+*]?|\s)+", "", rest))
    return out


_LITERAL_PREFIX = re.compile(r"[a-z]{2}")
_WORD_START = re.compile(r"(?<![\w-])[A-Za-z]{2}")
_END = r"(?![\w-])"


def _alternation(terms: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{t})" for t in terms) + ")"


class _CompiledCues:
    """Cue patterns indexed by the first two letters of their literal prefix.

    One regex alternation over hundreds of cues is tried at every character of the text;
    here each word start tries only the cues that can begin with its first two letters,
    about ten times faster. Cues without a literal prefix (case-sensitive ones, or ones
    starting with a character class) run as ordinary regex scans.
    """

    def __init__(self, groups: list[CueGroup]):
        self.groups = groups
        by_key: dict[str, dict[int, list[str]]] = {}
        scanned: dict[int, list[str]] = {}
        for index, group in enumerate(groups):
            for term in group.terms:
                for variant in _split_leading_group(term):
                    prefix = _LITERAL_PREFIX.match(variant)
                    if prefix and not group.case_sensitive:
                        by_key.setdefault(prefix.group(), {}).setdefault(index, []).append(variant)
                    else:
                        scanned.setdefault(index, []).append(variant)
        self.indexed = {
            key: [(i, re.compile(_alternation(terms) + _END, re.I)) for i, terms in per_group.items()]
            for key, per_group in by_key.items()
        }
        self.scanned = [
            (i, re.compile(r"(?<![\w-])" + _alternation(terms) + _END, 0 if groups[i].case_sensitive else re.I))
            for i, terms in scanned.items()
        ]

    def matches(self, text: str) -> Iterable[tuple[CueGroup, int, int]]:
        indexed = self.indexed
        for word in _WORD_START.finditer(text):  # lower-casing only the key keeps offsets exact
            candidates = indexed.get(word.group().lower())
            if candidates:
                pos = word.start()
                for index, pattern in candidates:
                    m = pattern.match(text, pos)
                    if m:
                        yield self.groups[index], pos, m.end()
        for index, pattern in self.scanned:
            for m in pattern.finditer(text):
                yield self.groups[index], m.start(), m.end()


# ---------------------------------------------------------------------------------------
# span extents

# Function words end a PHRASE: "so-called Free Valley Rescuers and their ..." stops at "and".
_STOP = frozenset("""
    a an the and or but nor of in on at to for from by with without as than that which who whom
    whose this these those is are was were be been being has have had do does did will would
    shall should can could may might must not no it its it's they them their he him his she her
    we us our you your i me my said says say told after before when while where because if so
""".split())
_DETERMINERS = frozenset("a an the this that these those such".split())
_TOKEN = re.compile(r"[\w'’-]+")
_PREVIOUS_WORD = re.compile(r"([\w'’-]+)\s+$")
_LOOK_BACK = 30  # characters searched for the word before a match
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\"“”—–]|\s-\s|[.!?](?=\s|$)|\n")
_SENTENCE_BREAK = re.compile(r"[.!?]+[\"”’)]*(?=\s)|\n")
_PHRASE_MAX_WORDS = 2  # longer phrases gained nothing on train
_NAME_MAX_WORDS = 6


class _Boundaries:
    """Clause and sentence limits of one text, looked up with bisect."""

    def __init__(self, text: str):
        self.text = text
        breaks = [m.span() for m in _CLAUSE_BREAK.finditer(text)]
        self.clause_starts = [end for _, end in breaks]  # a clause starts after a break
        self.clause_ends = [start for start, _ in breaks]  # and ends before the next one
        self.sentence_ends = [m.end() for m in _SENTENCE_BREAK.finditer(text)]

    def clause_end(self, pos: int) -> int:
        i = bisect.bisect_left(self.clause_ends, pos)
        return self.clause_ends[i] if i < len(self.clause_ends) else len(self.text)

    def clause_start(self, pos: int) -> int:
        i = bisect.bisect_right(self.clause_starts, pos)
        return self.clause_starts[i - 1] if i > 0 else 0

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sentence_ends, start)
        s_start = self.sentence_ends[i - 1] if i > 0 else 0
        j = bisect.bisect_left(self.sentence_ends, end)
        s_end = self.sentence_ends[j] if j < len(self.sentence_ends) else len(self.text)
        return s_start, s_end


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, quotes and a closing full stop so spans start and end on words."""
    while start < end and (text[start].isspace() or text[start] in "\"'“”‘’"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'“”‘’,;:."):
        end -= 1
    return start, end


def _phrase_end(text: str, end: int) -> int:
    """Extend over the words the cue qualifies: a run of capitalised words (a name, up to
    six) or up to two lower-case content words, stopping at function words and
    punctuation."""
    pos = end
    name = None
    for taken in range(_NAME_MAX_WORDS):
        gap = pos
        while gap < len(text) and text[gap] in " \t\"'“‘":
            gap += 1
        m = _TOKEN.match(text, gap)
        if not m or m.group().lower() in _STOP:
            break
        capitalised = m.group()[:1].isupper()
        if name is None:
            name = capitalised
        if capitalised != name or (not name and taken >= _PHRASE_MAX_WORDS):
            break
        pos = m.end()
    return pos


def _with_determiner(text: str, start: int, floor: int) -> int:
    """Move ``start`` back over one determiner ("a danger" rather than "danger")."""
    m = _PREVIOUS_WORD.search(text, max(floor, start - _LOOK_BACK), start)
    if m and m.group(1).lower() in _DETERMINERS:
        return m.start(1)
    return start


def _with_qualifier(text: str, start: int) -> int:
    """Move ``start`` back over one lower-case content word ("corrupt thugs")."""
    m = _PREVIOUS_WORD.search(text, max(0, start - _LOOK_BACK), start)
    if m and m.group(1)[:1].isalpha() and m.group(1)[:1].islower() and m.group(1).lower() not in _STOP:
        return m.start(1)
    return start


def _widen(extent: str, text: str, bounds: _Boundaries, start: int, end: int) -> tuple[int, int]:
    if extent == PHRASE:
        end = _phrase_end(text, end)
    elif extent == LABEL:
        start = _with_qualifier(text, start)
    elif extent == TAIL:
        start = _with_determiner(text, start, bounds.clause_start(start))
        end = max(end, bounds.clause_end(end))
    elif extent == CLAUSE:
        start = min(start, bounds.clause_start(start))
        end = max(end, bounds.clause_end(end))
    elif extent == SENTENCE:
        start, end = bounds.sentence(start, end)
    elif extent != MATCH:
        raise ValueError(f"unknown span extent {extent!r}")
    return _strip(text, start, end)


# ---------------------------------------------------------------------------------------
# the detector

class LexiconDetector:
    """Cue-lexicon detector: :meth:`detect` maps a text to :class:`DetectedSpan` records.

    ``min_confidence`` leaves out cue groups below that confidence (``0`` keeps the
    low-precision cues too); ``techniques`` restricts the output to some labels;
    ``repetition`` turns on the (weak) repeated-loaded-word heuristic; ``groups`` replaces
    the cue table (for example with ``cues.DOMAIN_CUE_GROUPS``) and ``doubt_questions``
    turns the doubting-question pattern off.
    """

    name = "lexicon"
    version = VERSION

    def __init__(self, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                 techniques: Iterable[str] | None = None, repetition: bool = True,
                 groups: Iterable[CueGroup] | None = None, doubt_questions: bool = True):
        wanted = set(techniques) if techniques is not None else None

        def keep(technique: str, confidence: float) -> bool:
            return confidence >= min_confidence and (wanted is None or technique in wanted)

        self.min_confidence = min_confidence
        self._cues = _CompiledCues([g for g in (CUE_GROUPS if groups is None else groups)
                                    if keep(g.technique, g.confidence)])
        self._doubt_questions = doubt_questions and keep("Doubt", DOUBT_QUESTION_CONFIDENCE)
        self._repetition = repetition and keep("Repetition", REPETITION_CONFIDENCE)

    def detect(self, text: str) -> list[DetectedSpan]:
        """Technique spans in ``text``, sorted by start; overlapping spans of the same
        technique are merged into one (keeping the highest confidence)."""
        bounds = _Boundaries(text)
        found: list[DetectedSpan] = []
        for group, match_start, match_end in self._cues.matches(text):
            start, end = _widen(group.extent, text, bounds, match_start, match_end)
            if end > start:
                found.append(DetectedSpan(group.technique, start, end, group.confidence))
        if self._doubt_questions:
            for m in DOUBT_QUESTION.finditer(text):
                start, end = _strip(text, bounds.sentence(m.start(), m.end())[0], m.end())
                if end > start:
                    found.append(DetectedSpan("Doubt", start, end, DOUBT_QUESTION_CONFIDENCE))
        if self._repetition:
            found += _repetitions(text, found)
        return _merge(found)


def _repetitions(text: str, found: list[DetectedSpan]) -> list[DetectedSpan]:
    """Second and later uses of the same loaded word or label in one text."""
    seen: set[str] = set()
    out = []
    for span in sorted((s for s in found if s.technique in REPEATABLE), key=lambda s: s.start):
        key = text[span.start:span.end].lower()
        if key in seen:
            out.append(DetectedSpan("Repetition", span.start, span.end, REPETITION_CONFIDENCE))
        seen.add(key)
    return out


def _merge(spans: list[DetectedSpan]) -> list[DetectedSpan]:
    """Join overlapping spans of the same technique (two cues in one clause)."""
    spans.sort(key=lambda s: (s.technique, s.start, s.end))
    merged: list[DetectedSpan] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last and last.technique == span.technique and span.start < last.end:
            merged[-1] = DetectedSpan(last.technique, last.start, max(last.end, span.end),
                                      max(last.confidence, span.confidence))
        else:
            merged.append(span)
    merged.sort(key=lambda s: (s.start, s.end, s.technique))
    return merged
