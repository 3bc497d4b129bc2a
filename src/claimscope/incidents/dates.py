"""When: date expressions in news text, resolved against the publication date.

Every expression becomes a :class:`DateMention` with character offsets and, where it can be
resolved, a :class:`DateValue` — an interval ``[start, end]`` (inclusive days) and a precision
(day / week / month / year). Rules (docs/incidents.md has the full table):

* weekday names mean the most recent such day on or before the publication date ("on Tuesday"
  in an article published Thursday 2016-09-08 is 2016-09-06); "last Tuesday" the most recent
  one strictly before it; "Monday's blast" as "on Monday";
* "yesterday", "today", "this morning", "last night", "N days ago";
* "last week" is the previous Monday-Sunday week; "this week" / "earlier this week" run from
  this week's Monday; "last month", "this month", "last year", "N years ago" likewise;
* absolute dates ("12 November 2019", "Sept. 6", "August 2013", "in 2014") are parsed with
  dateparser, ``RELATIVE_BASE`` = the publication date; a day or month without a year that
  would fall after the publication date is taken from the year before;
* "two days after the attack" is *anchored*: its value depends on another incident's date
  and is resolved by the extractor (``DateMention.anchor``);
* "in the coming days", "within days" are *future* (no value); "since 2011" is *since* (the
  start of something ongoing, never an incident date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from claimscope.model import DatePrecision

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
            "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "few": 3}

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19[4-9]\d|20[0-4]\d)"
_DAYPART = r"(?:\s+(?:morning|afternoon|evening|night|noon|dawn))?"
_COUNT = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)"
_UNIT = r"(?:days?|weeks?|months?|years?)"

# (kind, pattern); earlier patterns win where matches overlap.
_PATTERNS: list[tuple[str, re.Pattern]] = [(k, re.compile(p, f)) for k, p, f in [
    ("iso", r"\b(?P<y>" + _YEAR + r")-(?P<m>\d{2})-(?P<d>\d{2})\b", 0),
    ("dmy", r"\b(?P<d>[0-3]?\d)" + _ORD + r"\s+(?:of\s+)?(?P<mon>" + _MONTH + r"),?\s+(?P<y>" + _YEAR + r")\b", 0),
    ("mdy", r"\b(?P<mon>" + _MONTH + r")\s+(?P<d>[0-3]?\d)" + _ORD + r",?\s+(?P<y>" + _YEAR + r")\b", 0),
    ("dm", r"\b(?P<d>[0-3]?\d)" + _ORD + r"\s+(?:of\s+)?(?P<mon>" + _MONTH + r")(?!\s*,?\s*\d)", 0),
    ("md", r"\b(?P<mon>" + _MONTH + r")\s+(?P<d>[0-3]?\d)" + _ORD + r"\b(?!\s*(?:,\s*)?\d)(?![.:]\d)", 0),
    ("my", r"\b(?P<mon>" + _MONTH + r"),?\s+(?P<y>" + _YEAR + r")\b", 0),
    ("ago", r"\b(?P<n>" + _COUNT + r")\s+(?P<unit>" + _UNIT + r")\s+ago\b", re.I),
    ("anchored", r"\b(?P<n>" + _COUNT + r")\s+(?P<unit>" + _UNIT + r")\s+(?P<dir>after|before|following|earlier|later)\b", re.I),
    ("rel_period", r"\b(?P<which>last|this|past|previous|earlier this|later this|the previous|the past|early this|"
     r"late last|earlier last|next|coming)\s+(?P<unit>week|month|year|weekend)\b", re.I),
    ("weekday", r"\b(?:(?P<which>last|this|past|next|on|coming)\s+)?(?P<wd>" + _WEEKDAY + r")(?:['’]s)?" + _DAYPART + r"\b", 0),
    ("relday", r"\b(?P<w>the day before yesterday|yesterday|today|tonight|this (?:morning|afternoon|evening)|"
     r"last night|earlier today|early today|overnight|at the weekend|over the weekend|on the weekend)\b", re.I),
    ("future", r"\b(?:in the (?:coming|next|following) (?:few )?(?:days|weeks|hours|months)|within (?:days|hours|weeks)|"
     r"in the near future|imminent(?:ly)?)\b", re.I),
    ("month", r"\b(?P<mod>(?i:early|mid|late|the end of|the beginning of|the start of|the middle of|in|last|since|on|"
     r"during|until|by|this|next))[- ](?P<mon>" + _MONTH + r")\b(?!\s+(?:[0-3]?\d\b|\d{4}))", 0),
    ("year", r"(?<![\d,.$£€#])\b(?P<y>" + _YEAR + r")\b(?![,.]?\d)(?!\s*(?:km|kilomet|miles?|metres|meters|people|"
     r"civilians|families|troops|fighters|soldiers|children|persons|%|percent|dollars|tons|tonnes|kg)\b)", 0),
]]
_SINCE_BEFORE = re.compile(r"\b(?:since|from|starting|began|begun|beginning|started)\s+(?:in\s+|early\s+|late\s+|mid-?)?$", re.I)
_NOT_YEAR_BEFORE = re.compile(r"(?:resolution|res\.|no\.|number|route|flight|article|law|decree|item|code|room|page|"
                              r"version|model|section|paragraph|chapter)\s+$", re.I)


@dataclass(frozen=True)
class DateValue:
    start: date
    end: date
    precision: str  # DatePrecision value: day | week | month | year

    def iso(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def overlaps(self, other: DateValue, slack_days: int = 0) -> bool:
        return self.start - timedelta(days=slack_days) <= other.end and other.start - timedelta(days=slack_days) <= self.end

    def contains(self, other: DateValue) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def span_days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    kind: str  # absolute | relative | weekday | anchored | future | since | unresolved
    value: DateValue | None = None
    anchor: tuple[int, str, str] | None = None  # (count, unit, "after"|"before") for anchored phrases


def day(d: date) -> DateValue:
    return DateValue(d, d, DatePrecision.DAY.value)


def month_of(year: int, month: int) -> DateValue:
    last = calendar.monthrange(year, month)[1]
    return DateValue(date(year, month, 1), date(year, month, last), DatePrecision.MONTH.value)


def year_of(year: int) -> DateValue:
    return DateValue(date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR.value)


def week_of(d: date) -> DateValue:
    monday = d - timedelta(days=d.weekday())
    return DateValue(monday, monday + timedelta(days=6), DatePrecision.WEEK.value)


def shift(value: DateValue, count: int, unit: str, direction: str) -> DateValue:
    """``value`` moved by ``count`` units (the date of "N units after/before" an event); the
    precision is the coarser of the two."""
    sign = 1 if direction in ("after", "following", "later") else -1
    unit = unit.rstrip("s")
    if unit == "day":
        delta = timedelta(days=sign * count)
        return DateValue(value.start + delta, value.end + delta, value.precision)
    if unit == "week":
        delta = timedelta(days=7 * sign * count)
        start, end = value.start + delta, value.end + delta
        precision = DatePrecision.WEEK.value if value.precision == DatePrecision.DAY.value else value.precision
        if precision == DatePrecision.WEEK.value:
            start, end = start - timedelta(days=3), end + timedelta(days=3)
        return DateValue(start, end, precision)
    if unit == "month":
        y, m = value.start.year, value.start.month + sign * count
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return month_of(y, m) if value.precision in ("day", "week", "month") else year_of(y)
    return year_of(value.start.year + sign * count)


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date) -> date | None:
    """dateparser with the publication date as RELATIVE_BASE (absolute expressions only)."""
    import dateparser

    settings = {"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DAY_OF_MONTH": "first",
                "DATE_ORDER": "DMY", "RETURN_TIME_AS_PERIOD": False}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _not_after(d: date, base: date, years_back: int = 1) -> date:
    """A day/month named without a year is the latest one not after the publication date."""
    if d > base + timedelta(days=1):
        try:
            return d.replace(year=d.year - years_back)
        except ValueError:  # 29 February
            return d.replace(year=d.year - years_back, day=28)
    return d


def resolve(kind: str, match: re.Match, base: date | None) -> tuple[str, DateValue | None, tuple | None]:
    """(mention kind, value, anchor) for one pattern match."""
    g = match.groupdict()
    text = match.group(0)
    if kind in ("iso", "dmy", "mdy"):
        try:
            if kind == "iso":
                return "absolute", day(date(int(g["y"]), int(g["m"]), int(g["d"]))), None
            mon = MONTHS[g["mon"].rstrip(".").lower()]
            return "absolute", day(date(int(g["y"]), mon, int(g["d"]))), None
        except (ValueError, KeyError):
            return "unresolved", None, None
    if kind == "my":
        return "absolute", month_of(int(g["y"]), MONTHS[g["mon"].rstrip(".").lower()]), None
    if kind == "year":
        return "absolute", year_of(int(g["y"])), None
    if base is None:
        return ("future" if kind == "future" else "anchored" if kind == "anchored" else "unresolved"), None, \
            (_anchor(g) if kind == "anchored" else None)
    if kind in ("dm", "md"):
        parsed = _dateparser(text, base)
        try:
            mon = MONTHS[g["mon"].rstrip(".").lower()]
            d = date(base.year, mon, int(g["d"]))
        except (ValueError, KeyError):
            if parsed is None:
                return "unresolved", None, None
            d = parsed
        return "absolute", day(_not_after(d, base)), None
    if kind == "month":
        mod = g["mod"].lower()
        mon = MONTHS[g["mon"].rstrip(".").lower()]
        if mod == "since":
            return "since", None, None
        if mod == "next" or (mod == "this" and mon > base.month):
            year = base.year if mon > base.month else base.year + 1
            return "future", month_of(year, mon), None
        year = base.year if mon <= base.month else base.year - 1
        if mod == "last" and mon == base.month:
            year -= 1
        return "relative", month_of(year, mon), None
    if kind == "weekday":
        which = (g.get("which") or "").lower()
        wd = WEEKDAYS[g["wd"].lower()]
        back = (base.weekday() - wd) % 7
        if which == "last" and back == 0:
            back = 7
        if which in ("next", "coming"):
            return "future", day(base + timedelta(days=(wd - base.weekday()) % 7 or 7)), None
        return "weekday", day(base - timedelta(days=back)), None
    if kind == "relday":
        w = g["w"].lower()
        if w == "yesterday":
            return "relative", day(base - timedelta(days=1)), None
        if w == "the day before yesterday":
            return "relative", day(base - timedelta(days=2)), None
        if w in ("last night", "overnight"):
            return "relative", DateValue(base - timedelta(days=1), base, DatePrecision.DAY.value), None
        if "weekend" in w:
            back = (base.weekday() - 5) % 7  # the most recent Saturday on or before
            sat = base - timedelta(days=back)
            return "relative", DateValue(sat, min(sat + timedelta(days=1), base), DatePrecision.WEEK.value), None
        return "relative", day(base), None
    if kind == "ago":
        n = _count(g["n"])
        unit = g["unit"].lower().rstrip("s")
        if n is None:
            return "unresolved", None, None
        if unit == "day":
            return "relative", day(base - timedelta(days=n)), None
        if unit == "week":
            return "relative", week_of(base - timedelta(days=7 * n)), None
        if unit == "month":
            return "relative", shift(month_of(base.year, base.month), n, "month", "before"), None
        return "relative", year_of(base.year - n), None
    if kind == "rel_period":
        which = g["which"].lower()
        unit = g["unit"].lower()
        if which in ("next", "coming"):
            return "future", None, None
        earlier = which.startswith("earlier") or which.startswith("early")
        if unit == "weekend":
            back = (base.weekday() - 5) % 7
            if which in ("last", "past", "previous", "the previous", "the past") and back <= 1:
                back += 7
            sat = base - timedelta(days=back)
            return "relative", DateValue(sat, sat + timedelta(days=1), DatePrecision.WEEK.value), None
        if unit == "week":
            if which in ("past", "the past"):
                return "relative", DateValue(base - timedelta(days=7), base, DatePrecision.WEEK.value), None
            if which in ("last", "previous", "the previous", "late last", "earlier last"):
                return "relative", week_of(base - timedelta(days=7)), None
            monday = base - timedelta(days=base.weekday())
            end = base - timedelta(days=1) if earlier and base > monday else base
            return "relative", DateValue(monday, end, DatePrecision.WEEK.value), None
        if unit == "month":
            if which in ("past", "the past"):
                return "relative", DateValue(base - timedelta(days=30), base, DatePrecision.MONTH.value), None
            if which in ("last", "previous", "the previous", "late last", "earlier last"):
                return "relative", shift(month_of(base.year, base.month), 1, "month", "before"), None
            first = base.replace(day=1)
            end = base - timedelta(days=1) if earlier and base > first else base
            return "relative", DateValue(first, end, DatePrecision.MONTH.value), None
        if which in ("past", "the past"):
            return "relative", DateValue(base - timedelta(days=365), base, DatePrecision.YEAR.value), None
        if which in ("last", "previous", "the previous", "late last", "earlier last"):
            return "relative", year_of(base.year - 1), None
        first = date(base.year, 1, 1)
        end = base - timedelta(days=1) if earlier and base > first else base
        return "relative", DateValue(first, end, DatePrecision.YEAR.value), None
    if kind == "anchored":
        return "anchored", None, _anchor(g)
    if kind == "future":
        return "future", None, None
    return "unresolved", None, None


def _anchor(g: dict) -> tuple[int, str, str] | None:
    n = _count(g["n"])
    if n is None:
        return None
    direction = g["dir"].lower()
    direction = "after" if direction in ("after", "following", "later") else "before"
    return n, g["unit"].lower().rstrip("s"), direction


def find_dates(text: str, base: date | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date expressions in ``text[start:end]``, resolved against ``base`` (the publication date)."""
    end = len(text) if end is None else end
    segment = text[start:end]
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            if kind == "year" and _NOT_YEAR_BEFORE.search(text[max(0, a - 20):a]):
                continue
            if kind == "month" and m.group("mon").lower().startswith("may") and not m.group("mon")[0].isupper():
                continue
            mention_kind, value, anchor = resolve(kind, m, base)
            if mention_kind in ("absolute", "relative", "weekday") and _SINCE_BEFORE.search(text[max(0, a - 25):a]):
                mention_kind = "since"
            # "on Monday's blast": the possessive and the preposition are not part of the date
            a2, b2 = a, b
            lead = re.match(r"(?:on|in|at|during)\s+", text[a:b], re.I)
            if lead and kind not in ("month",):
                a2 += lead.end()
            if kind == "month" and m.group("mod").lower() in ("in", "on", "during", "until", "by", "since"):
                a2 = a + m.start("mon") - m.start()
            tail = re.search(r"['’]s$", text[a2:b2])
            if tail:
                b2 -= 2
            taken.append((a, b))
            out.append(DateMention(a2, b2, text[a2:b2], mention_kind, value, anchor))
    out.sort(key=lambda d: d.start)
    return out


# ---------------------------------------------------------------------------------------------
# datelines: the publication date printed at the top of an article

_DATELINE_PATTERNS = [
    re.compile(r"\b(?P<d>[0-3]\d)[.\-/](?P<m>[01]\d)[.\-/](?P<y>(?:19|20)\d\d)(?!\d)"),  # 21.08.2013, 21-05-2016
    re.compile(r"\b(?P<mon>" + _MONTH + r")\s+(?P<d>[0-3]\d)(?P<y>(?:19|20)\d\d)\b"),  # "Apr 152017" (fused)
]


def dateline_date(text: str, window: int = 250) -> date | None:
    """The first full date (day, month and year) near the top of an article, if any: where
    feeds and scraped pages print the publication date ("Wed 05 Apr 2017", "Posted on April 4
    2017", "21.08.2013", "Last updated at Apr 152017")."""
    head = text[:window]
    best: tuple[int, date] | None = None
    for m in _DATELINE_PATTERNS:
        for hit in m.finditer(head):
            g = hit.groupdict()
            try:
                month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].rstrip(".").lower()]
                d = date(int(g["y"]), month, int(g["d"]))
            except (ValueError, KeyError):
                continue
            if best is None or hit.start() < best[0]:
                best = (hit.start(), d)
            break
    for mention in find_dates(head, None):
        if mention.kind == "absolute" and mention.value and mention.value.precision == "day":
            if best is None or mention.start < best[0]:
                best = (mention.start, mention.value.start)
            break
    return best[1] if best else None


def parse_published(value: str | None) -> date | None:
    """The publication date of an article from its stored ISO string (any precision)."""
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
