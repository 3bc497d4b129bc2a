"""How many: killed and injured figures in news text, with qualifiers, groups and offsets.

``find_figures(text)`` returns :class:`Figure` records: kind (killed / injured), ``low`` and
``high`` bounds, the qualifier as written ("at least", "over", "about", "between", "up to",
"hundreds", ...), the group (civilians, children, women, fighters or all) and the character
span of the phrase. Vague amounts follow one convention (docs/incidents.md): "dozens" = 24,
"scores" = 40, "hundreds" = 200, "thousands" = 2000, "a dozen" = 12. "no more than three" and
"up to three" are ``low=0, high=3``. A subgroup ("including three children", "among them seven
children") is its own figure with the kind of the figure it qualifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.incidents.taxonomy import GROUP_WORDS

_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "a dozen": 12, "dozen": 12,
         "tens": 20, "several": 3, "a few": 3, "few": 3, "many": None, "a number": None}

_WORDNUM = (r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(k for k in _UNITS if len(k) > 2) + r"))?|"
            + "|".join(k for k in _UNITS if k not in ("a", "an", "no", "zero")) + r")")
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s*(?:million|thousand))?"
_NUM = r"(?:" + _DIGITS + r"|(?:a |one |two |three |several )?(?:hundred|thousand)|" + _WORDNUM + r")"
_QUAL = (r"(?:at least|not less than|no less than|more than|over|nearly|almost|about|around|some|approximately|"
         r"roughly|up to|no more than|not more than|as many as|an estimated|at most|fewer than|less than|"
         r"upwards of|close to|just over|just under|well over|in excess of|a total of|a further|another)")
_VAGUE = r"(?:dozens|scores|hundreds|thousands|tens|a dozen|several|a few|many)"
QTY = (r"(?:(?:between\s+(?P<b1>" + _NUM + r")\s+and\s+(?P<b2>" + _NUM + r"))|"
       r"(?:(?P<qual>" + _QUAL + r")\s+)?(?P<num>" + _NUM + r")\b(?:\s*(?:to|-|–|or)\s*(?P<num2>" + _NUM + r")\b)?|"
       r"(?P<vague>" + _VAGUE + r")(?:\s+(?:of|more))?)")
_GROUP_NOUNS = (r"people|persons|person|others|victims|bodies|individuals|residents|worshippers|patients|"
                r"passengers|villagers|members|family members|" + "|".join(sorted(GROUP_WORDS, key=len, reverse=True)))
_ADJ = r"(?:(?:other|more|innocent|unarmed|local|syrian|kurdish|russian|turkish|iraqi|government|regime|pro-government|" \
       r"rebel|opposition|army|police|security|displaced|young|civil defen[cs]e|aid|rescue|medical|health|" \
       r"humanitarian|relief|[A-Z][a-z]+(?:-[A-Za-z]+)*)\s+){0,2}"
_NOUN = r"(?P<noun>" + _GROUP_NOUNS + r")\b"
_KILL = (r"killed|dead|died|slain|murdered|massacred|executed|perished|lost their lives|were killed|martyred|"
         r"had died|have died|lay dead|confirmed dead|found dead|suffocated")
_HURT = (r"wounded|injured|hurt|maimed|treated|hospitali[sz]ed|needed treatment|needing treatment|"
         r"suffering|affected|poisoned|needed medical treatment|received treatment")
_VERB_KILL = r"killing|killed|kills|kill|claimed the lives of|leaving|left|massacring|executing|executed"
_VERB_HURT = r"wounding|wounded|wounds|injuring|injured|injures|hurting|hurt|leaving|left"

_PATTERNS: list[tuple[str, str, re.Pattern]] = [(name, kind, re.compile(p, re.I)) for name, kind, p in [
    # title-case headlines: "40 Civilians Killed 100 Injured in Rocket Attacks" (before "Killed 100" is read)
    ("headline", "?", r"\b" + QTY + r"\s+" + _ADJ + _NOUN + r"\s+(?P<verb>(?-i:Killed|Dead|Wounded|Injured|Martyred))\b"),
    # "Six civilians including a child were among at least 22 people killed": the six, not the 22
    # (civilians only: "Two medics were among at least 31 people killed" is a part of the 31, not the civilian toll)
    ("among", "killed", r"\b" + QTY + r"\s+" + _ADJ + r"(?P<noun>civilians?)\b(?:,?\s+(?:including|among them)\s+[^,.;]{1,40}?)?"
     r"\s+(?:were|was)\s+among(?=\s+(?:the\s+)?(?:[^,.;]{0,40}?\s+)?(?:killed|dead|victims|fatalities)\b)"),
    # "killing at least six people", "killed hundreds of people", "wounding 40"
    ("object", "?", r"\b(?P<verb>" + _VERB_KILL + "|" + _VERB_HURT + r")\s+(?:the\s+lives\s+of\s+)?" + QTY +
     r"(?:\s+" + _ADJ + _NOUN + r")?(?P<tail>\s+(?:dead|wounded|injured|killed))?"),
    # "at least six people were killed", "four people had died", "Two civilians were lightly injured"
    ("subject", "?", r"\b" + QTY + r"\s+" + _ADJ + _NOUN + r"(?:,[^,.;]{0,40},)?"
     # "16 civilians including women and children were killed"
     r"(?:,?\s+(?:including|among them|mostly|most of them|many of them)\s+[^,.;]{1,60}?,?(?=\s+(?:were|was|have|had|are)\b))?(?:\s+(?:(?!and\b|but\b|or\b|while\b)\w+\s+){0,3}?)"
     r"(?:(?:were|was|have been|had been|are|got|being|been|reportedly|also|all)\s+){0,3}(?:\w+ly\s+)?"
     r"(?P<verb>" + _KILL + "|" + _HURT + r")\b"),
    # "and 46 were wounded", "dozens were injured"
    ("bare_subject", "?", r"\b" + QTY + r"\s+(?:others\s+|more\s+)?(?:were|was|had been|have been|had|have)\s+(?:\w+ly\s+)?"
     r"(?P<verb>" + _KILL + "|" + _HURT + r")\b"),
    # "the death toll had risen to nine", "put the toll at 27", "death toll of at least 112"
    ("toll", "killed", r"\b(?:death toll|toll|number of (?:dead|deaths|victims|fatalities)|fatalities)\b"
     r"(?:[^.;]{0,90}?)\b(?:at|to|of|reached|hit|stood at|rose to|climbed to|is|was)\s+" + QTY +
     r"(?:\s+" + _ADJ + _NOUN + r")?"),
    # "the deaths of seven people", "the treatment of about 70 others"
    ("nominal", "?", r"\b(?P<verb>deaths?|killing|treatment|injur(?:y|ies)|wounding)\s+of\s+" + QTY + r"\s+" +
     _ADJ + _NOUN),
    # "14 bodies", "32 dead", "12 wounded"
    ("bare", "?", r"\b" + QTY + r"\s+(?P<verb>bodies|dead|fatalities|deaths|casualties|wounded|injured|injuries|"
                  r"killed)\b"),
]]
_COORDINATED = re.compile(r"\s*,?\s*(?:and|as well as|plus)\s+(?P<qty>" + QTY + r")\s+(?:(?-i:[A-Z][\w-]+)\s+)?" + _NOUN,
                          re.I)
_SUBGROUP = re.compile(r"\b(?:including|among them|among whom|of whom|of them|among the dead(?: were)?|"
                       r"among the victims(?: were)?)\s+(?:" + QTY + r")\s+" + _ADJ + r"(?P<noun>children|women|"
                       r"civilians|fighters|soldiers|rebels|militants|minors|girls|boys|members|combatants|"
                       r"elderly|infants)\b", re.I)


@dataclass
class Figure:
    kind: str  # killed | injured
    low: int | None
    high: int | None
    qualifier: str | None  # None for an exact figure
    group: str  # civilians | children | women | fighters | all
    start: int
    end: int
    text: str
    parent: int | None = None  # index of the figure a subgroup qualifies


# Larger numbers are typos, identifiers or hostile input, never casualty figures; they would
# also overflow the store's 64-bit integers.
MAX_FIGURE = 1_000_000_000


def number(text: str) -> int | None:
    """``"1,200"`` -> 1200, ``"twenty-three"`` -> 23, ``"two hundred"`` -> 200, ``"hundreds"`` -> 200."""
    t = text.lower().strip()
    if not t:
        return None
    if t in VAGUE:
        return VAGUE[t]
    m = re.fullmatch(r"([\d,.]+)\s*(million|thousand)?", t)
    if m:
        digits = m.group(1).replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            return None
        scale = {"million": 1_000_000, "thousand": 1000}.get(m.group(2) or "", 1)
        if not value * scale <= MAX_FIGURE:  # "99999999999999999999999 killed" is not a figure (nor inf/NaN)
            return None
        return int(value * scale)
    m = re.fullmatch(r"(?:(a|one|two|three|several)\s+)?(hundred|thousand)", t)
    if m:
        count = {"a": 1, "one": 1, "two": 2, "three": 3, "several": 3, None: 1}[m.group(1)]
        return count * (100 if m.group(2) == "hundred" else 1000)
    parts = re.split(r"[- ]", t)
    total = 0
    for part in parts:
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return total


def _bounds(m: re.Match) -> tuple[int | None, int | None, str | None]:
    g = m.groupdict()
    if g.get("b1"):
        return *_ordered(number(g["b1"]), number(g["b2"])), "between"
    if g.get("vague"):
        vague = g["vague"].lower()
        return VAGUE.get(vague), None, vague
    low = number(g["num"]) if g.get("num") else None
    high = number(g["num2"]) if g.get("num2") else None
    qual = (g.get("qual") or "").lower() or None
    if qual in ("more than", "over", "upwards of", "well over", "just over", "in excess of"):
        qual = "over"
    elif qual in ("around", "approximately", "roughly", "some", "an estimated", "close to"):
        qual = "about"
    elif qual in ("no less than", "not less than"):
        qual = "at least"
    elif qual in ("a total of", "a further", "another"):
        qual = None
    if qual in ("up to", "no more than", "not more than", "at most", "fewer than", "less than", "as many as"):
        if qual != "as many as":
            return 0, low, qual
    if high is not None:
        qual = qual or "range"
    return *_ordered(low, high), qual


def _ordered(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """A range written high to low ("between 30 and 5") is the same range: low <= high always."""
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def _group(noun: str | None) -> str:
    if not noun:
        return "all"
    return GROUP_WORDS.get(noun.lower(), "all")


def _kind(verb: str | None, tail: str | None = None) -> str | None:
    words = f"{verb or ''} {tail or ''}".lower()
    if re.search(r"wound|injur|hurt|maim|treat|hospital|suffer|affected|poison|casualt", words):
        if re.search(r"kill|dead|died|death", tail or ""):
            return "killed"
        return "injured"
    if words.strip() in ("leaving", "left"):
        return None  # decided by the tail ("leaving 12 dead")
    if re.search(r"kill|dead|died|death|slain|murder|massacr|execut|perish|lost their lives|bodies|fatalit|suffocat|martyr",
                 words):
        return "killed"
    return None


_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")
# "23 DAESH members", "eleven members of Jund al-Aqsa terrorist group": members of an armed group
_ARMED_CONTEXT = re.compile(r"\b(?:army|forces|group|militia|security|ISIS|ISIL|IS|Daesh|Hezbollah|Hizbollah|Nusra|"
                            r"Qaeda|terrorists?|jihadists?|rebels?|militants?|Front|Brigades?|Battalions?)\b", re.I)
_COUNT_BEFORE = re.compile(r"\b(?P<count>\d+|" + _WORDNUM + r")\s+(?:(?P<noun>[\w-]+)\s+)?$", re.I)
_DATE_YEAR = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d\b|"
                        r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+)?\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+"
                        r"(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?P<year>(?:19|20)\d\d)\b")


def find_figures(text: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """Casualty figures in ``text[start:end]`` (offsets into ``text``), in text order."""
    end = len(text) if end is None else end
    # "21 Jul 2016 Dozens of civilians ...", "Date of publication 28 August 2016 Two children ...":
    # a date with its year is blanked (same length, so offsets hold) before counting starts
    segment = _DATE_YEAR.sub(lambda m: " " * len(m.group(0)), text[start:end])
    taken: list[tuple[int, int]] = []
    out: list[Figure] = []
    for name, fixed_kind, pattern in _PATTERNS:
        for m in pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            g = m.groupdict()
            if g.get("num") and _YEARLIKE.match(g["num"]) and not g.get("noun"):
                continue

            if name == "object" and not g.get("noun") and not g.get("tail"):
                # "killed 12" needs at least a plain number right after the verb and no unit after it
                after = segment[m.end():m.end() + 12]
                if not g.get("num") or re.match(r"\s*(?:%|percent|km|kilomet|miles|years?|days?|hours?|"
                                                r"minutes|of\b|times)", after, re.I):
                    continue
            tail = g.get("tail")
            if name == "object" and tail and (g.get("verb") or "").lower() in ("killed", "killing", "kills", "kill"):
                before = segment[max(0, m.start() - 30):m.start()]
                listed = _COUNT_BEFORE.search(before)
                if listed is None:
                    tail = None  # "a bomber killed 30 people injured 90": the tail begins the next figure
                else:  # a headline's "8 persons killed 58 others injured": "killed" is the 8's
                    a0 = a - (len(before) - listed.start())
                    low0 = number(listed.group("count"))
                    if low0 is not None and not _YEARLIKE.match(listed.group("count")) and \
                            not any(a0 < tb and ta < a for ta, tb in taken):
                        verb_end = m.end("verb") + start
                        taken.append((a0, verb_end))
                        out.append(Figure("killed", low0, None, None, _group(listed.group("noun")), a0, verb_end,
                                          text[a0:verb_end]))
            kind = fixed_kind if fixed_kind != "?" else _kind(g.get("verb"), tail)
            if kind is None:
                continue
            low, high, qual = _bounds(m)
            if low is None and high is None:
                continue
            noun = g.get("noun")
            if noun and noun.lower() in ("members",):
                group = "all" if re.search(r"family|household", m.group(0), re.I) else \
                    "fighters" if _ARMED_CONTEXT.search(text[max(0, a - 40):b + 40]) else "all"
            else:
                group = _group(noun)
            taken.append((a, b))
            out.append(Figure(kind, low, high, qual, group, a, b, text[a:b]))
    # "killed 50 militants and eight civilians": the second count shares the first one's verb
    for f in list(out):
        rel = f.end - start
        m = _COORDINATED.match(segment, rel)
        if m is None or f.parent is not None:
            continue
        a, b = m.start("qty") + start, m.end() + start
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        low, high, qual = _bounds(m)
        if low is None and high is None:
            continue
        taken.append((a, b))
        out.append(Figure(f.kind, low, high, qual, _group(m.group("noun")), a, b, text[a:b]))
    for m in _SUBGROUP.finditer(segment):
        a, b = m.start() + start, m.end() + start
        if any(a <= ta and tb <= b for ta, tb in taken):
            continue
        parent = None
        for i, f in enumerate(out):
            if f.end <= a and a - f.end < 80 or f.start <= a and b <= f.end:  # after it, or inside it
                parent = i
        kind = out[parent].kind if parent is not None else "killed"
        low, high, qual = _bounds(m)
        if low is None:
            continue
        out.append(Figure(kind, low, high, qual, _group(m.group("noun")), a, b, text[a:b], parent))
    order = sorted(range(len(out)), key=lambda i: out[i].start)
    remap = {old: new for new, old in enumerate(order)}
    result = [out[i] for i in order]
    for f in result:
        if f.parent is not None:
            f.parent = remap[f.parent]
    return result
