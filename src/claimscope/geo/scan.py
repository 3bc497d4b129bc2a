"""Finding gazetteer names in running text (used by :meth:`Gazetteer.scan`).

Only names in the ``scan_*`` key sets are reported: the Syria layer, governorates, regions,
countries, user layers, big world cities — and never a name on the stop list. A match must
contain a capitalised (or Arabic-script) word; names of three letters or fewer must be
written in capitals ("US", "UAE"). Skeleton (transliteration-folded) matches are taken only
from capitalised words and only next to a place cue ("in", "near", "the ... neighbourhood",
"..., Aleppo"), because folding makes ordinary words look like village names.

After matching, three phrase shapes rewrite a hit:
  * "12 km south of Idlib" -> a computed point 12 km south (kind town, or district past 10 km);
  * "south of Idleb", "southern Idlib", "Idlib's southern countryside" -> the curated
    countryside region, or a computed point 15 km (town) / 35 km (governorate) that way;
  * "the Sukri neighbourhood of Aleppo", "Sukri, Aleppo", "Aleppo's Sukri district" -> the
    first name's candidates re-ranked by distance to the second.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from claimscope.geo import curated
from claimscope.geo.names import ARTICLE_TOKENS, GENERIC_TOKENS, exact_key, is_arabic, loose_key, skeleton_keys
from claimscope.geo.place import Place, offset

if TYPE_CHECKING:
    from claimscope.geo.gazetteer import Candidate, Gazetteer, ResolveContext, ScanHit

_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’ʿʾ`](?![sS]\b)[^\W\d_]+)*")
# Between the words of one name: spaces and hyphens, at most one line break; no apostrophe
# (so "Aleppo's" stays "Aleppo"), no other punctuation.
_SEP_RE = re.compile(r"[ \t\u00a0\-‐‑–]*\n?[ \t\u00a0\-‐‑–]*")
MAX_FOLD_WORDS = 4
_DIR = r"north[- ]?east|north[- ]?west|south[- ]?east|south[- ]?west|north|south|east|west"
_PRE_DIR_RE = re.compile(
    r"(?:(?P<km>\d+(?:[.,]\d+)?)\s*(?:km|kms|kilomet(?:er|re)s?)\s+(?:to\s+the\s+)?)?"
    r"(?:the\s+)?(?P<dir>" + _DIR + r")(?:ern|erly|ward)?\s+"
    r"(?:(?:countryside|outskirts|suburbs|parts?|side|edge|reaches|areas?)\s+)?"
    r"(?P<of>of\s+)?(?:the\s+)?(?:rural\s+)?$",
    re.I,
)
_POST_DIR_RE = re.compile(r"^['’]s\s+(?P<dir>" + _DIR + r")(?:ern)?\s+(?:countryside|outskirts|suburbs|parts?|areas?)\b", re.I)
_POST_NOUN_RE = re.compile(r"^\s+(?:countryside|province|governorate)\b", re.I)
_OF_BETWEEN_RE = re.compile(
    r"^\s*(?:(?:neighbou?rhoods?|district|quarter|area|suburb|village|town|camp|city)\s+)?"
    r"(?:of|in|near|outside|,)\s+(?:the\s+)?(?:(?:city|town|province|governorate)\s+of\s+)?$", re.I,
)
_POSSESSIVE_BETWEEN_RE = re.compile(r"^['’]s\s+(?:the\s+)?$")
_CUE_BEFORE_RE = re.compile(
    r"\b(?:in|at|near|of|from|to|outside|around|towards?|into|on|across|between|and|village|town|"
    r"neighbou?rhood|district|area|city|camp|besieged|rebel-held|government-held|hit|struck|shelled|"
    r"bombed|targeted|reached|entered|captured|stormed|seized|recaptured)\s+(?:the\s+)?$", re.I,
)
_CUE_AFTER_RE = re.compile(
    r"^(?:['’]s\b|\s*,\s*[A-Z]|\s+(?:neighbou?rhood|district|quarter|area|village|town|suburb|camp|"
    r"countryside|province|governorate)\b)", re.I,
)
_BLOCK_RE = re.compile(
    "|".join(r"\b" + r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", p)) + r"\b"
             for p in sorted(curated.SCAN_BLOCK_PHRASES, key=len, reverse=True)),
    re.I,
)
_WEAK_FIRST = frozenset({"the", "of"})  # a loose/folded match must not start on these
_KM_BEFORE_RE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:km|kms|kilomet(?:er|re)s?)\s+(?:to\s+the\s+)?$", re.I)
_DIR_WORD_RE = re.compile(r"^(?:" + _DIR + r")(?:ern)?$", re.I)


class _Matcher:
    """Word-prefix sets over the scan keys, so n-grams stop growing as soon as nothing can match."""

    def __init__(self, gaz: Gazetteer):
        self.prefixes: set[str] = set()
        for section in ("scan_exact", "scan_loose"):
            keys = list(gaz.index.keys[section]) + list(gaz._layer_keys.get(section, {}))
            for key in keys:
                words = key.split(" ")
                for n in range(1, len(words) + 1):
                    self.prefixes.add(" ".join(words[:n]))
        self.layer_count = len(gaz._layer_places)


def _matcher(gaz: Gazetteer) -> _Matcher:
    m = getattr(gaz, "_scan_matcher", None)
    if m is None or m.layer_count != len(gaz._layer_places):
        m = _Matcher(gaz)
        gaz._scan_matcher = m
    return m


def _capitalised(token: str) -> bool:
    return token[:1].isupper() or is_arabic(token)


def _match(gaz: Gazetteer, span: str, allow_fold: bool) -> tuple[int, list[int]] | None:
    from claimscope.geo.gazetteer import EXACT, FOLDED, LOOSE

    ek, lk = exact_key(span), loose_key(span)
    if not ek or ek in curated.SCAN_STOP:
        return None
    letters = ek.replace(" ", "")
    if len(letters) <= 3 and not is_arabic(ek) and not re.sub(r"[^A-Za-z]", "", span).isupper():
        return None  # "us" is a pronoun, "US" a country
    rows = gaz._ids("scan_exact", ek)
    if rows:
        return EXACT, rows
    if lk in curated.SCAN_STOP:  # "Al Bab" is a town, but the looser "bab" is a word
        return None
    rows = gaz._ids("scan_loose", lk) + (gaz._ids("scan_exact", lk) if lk != ek else [])
    if rows:
        return LOOSE, rows
    if allow_fold and not span.isupper():  # "SAMS" is an acronym, not a misspelt Samsun
        rows = [r for sk in skeleton_keys(span) if len(sk) >= 4 for r in gaz._ids("scan_skel", sk)]
        if rows:
            return FOLDED, rows
    return None


def _edges_ok(text: str, tokens: list, i: int, j: int) -> bool:
    """A loose or folded match may not end on an article ("Daraa al"), nor start on "the"/"of"
    or on a lower-case article standing alone ("at Aleppo"; "al-Bab" and "Al Bab" are fine)."""
    first, last = tokens[i][2], tokens[j][2]
    if first.lower() in _WEAK_FIRST or (j > i and (exact_key(last) in ARTICLE_TOKENS or len(last) == 1)):
        return False
    if j > i and exact_key(first) in ARTICLE_TOKENS and first.islower():
        return "-" in text[tokens[i][1]:tokens[i + 1][0]]
    return True


def _has_cue(text: str, start: int, end: int) -> bool:
    return bool(_CUE_BEFORE_RE.search(text[max(0, start - 40):start]) or _CUE_AFTER_RE.match(text[end:end + 40]))


class _Hit(NamedTuple):
    start: int
    end: int
    cands: list  # list[Candidate], best first
    phrase: bool = False  # rewritten by a direction/distance phrase: cands[0] is the answer


def _ordered_candidates(gaz: Gazetteer, span: str, rows: list[int], tier: int, limit: int = 10) -> list[Candidate]:
    """Rows that triggered the match first (with the match's tier), then the rest of the lookup."""
    from claimscope.geo.gazetteer import EXACT, FOLDED

    trig = {gaz._place(r).id for r in rows}
    first, rest = [], []
    for c in gaz.candidates(span):
        if c.place.id in trig:
            if tier < c.tier:
                c = c._replace(tier=tier, similarity=1.0 if tier == EXACT else c.similarity)
            first.append(c)
        else:
            # Matches only a looser form of the span ("Hama" for "Hama province"): rank as folded.
            rest.append(c._replace(tier=FOLDED, similarity=min(c.similarity, 0.8)))
    first.sort(key=lambda c: (c.tier == FOLDED, -(0.5 * c.prominence - c.penalty), c.place.id))
    return (first + rest)[:limit]


def _rerank(gaz: Gazetteer, cands: list[Candidate], ctx: ResolveContext) -> list[Candidate]:
    return [c for c, _score, _support in gaz._rank(cands, ctx)]


def scan_hits(gaz: Gazetteer, text: str, country: str | None = None) -> list[_Hit]:
    from claimscope.geo.gazetteer import EXACT, FOLDED, ResolveContext

    matcher = _matcher(gaz)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
    blocked = [(m.start(), m.end()) for m in _BLOCK_RE.finditer(text)]
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        s0, _e0, t0 = tokens[i]
        if _DIR_WORD_RE.match(t0) and _KM_BEFORE_RE.search(text[max(0, s0 - 30):s0]):
            i += 1  # "12 km north of Hama": measure from Hama, not the "north of Hama" region
            continue
        fold_start = _capitalised(t0)
        best = None
        j = i
        any_cap = False
        while j < len(tokens):
            if j > i:
                sep = text[tokens[j - 1][1]:tokens[j][0]]
                if not sep or not _SEP_RE.fullmatch(sep):
                    break
            tok = tokens[j][2]
            any_cap = any_cap or _capitalised(tok)
            span = text[s0:tokens[j][1]]
            ek, lk = exact_key(span), loose_key(span)
            prefix_ok = ek in matcher.prefixes or lk in matcher.prefixes
            fold_ok = (fold_start and j - i < MAX_FOLD_WORDS
                       and (_capitalised(tok) or exact_key(tok) in ARTICLE_TOKENS))
            if not prefix_ok and not fold_ok:
                break
            if any_cap:
                m = _match(gaz, span, allow_fold=fold_ok)
                if m and m[0] != EXACT and not _edges_ok(text, tokens, i, j):
                    m = None  # "the US", "at Aleppo", "Syria the": the name is found without them
                if m and (m[0] != FOLDED or _has_cue(text, s0, tokens[j][1])):
                    best = (j, m)
            j += 1
        if best is None:
            i += 1
            continue
        j, (tier, rows) = best
        start, end = s0, tokens[j][1]
        if not any(bs < end and start < be for bs, be in blocked):
            cands = _ordered_candidates(gaz, text[start:end], rows, tier)
            if country:
                cands = _rerank(gaz, cands, ResolveContext(country=country))
            hits.append(_Hit(start, end, cands))
        i = j + 1
    hits = _relate(gaz, text, hits)
    return [_direction(gaz, text, h) for h in hits]


def scan_text(gaz: Gazetteer, text: str, country: str | None = None) -> list[ScanHit]:
    from claimscope.geo.gazetteer import ScanHit

    return [ScanHit(h.start, h.end, [c.place for c in h.cands]) for h in scan_hits(gaz, text, country)]


def _relate(gaz: Gazetteer, text: str, hits: list[_Hit]) -> list[_Hit]:
    """Re-rank "X neighbourhood of Y", "X, Y", "X in Y" and "Y's X" by distance to Y."""
    from claimscope.geo.gazetteer import ResolveContext

    out = list(hits)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        between = text[a.end:b.start]
        if _OF_BETWEEN_RE.match(between) and b.cands:
            target, anchor = k, b.cands[0].place
        elif _POSSESSIVE_BETWEEN_RE.match(between) and a.cands:
            target, anchor = k + 1, a.cands[0].place
        else:
            continue
        hit = out[target]
        if len(hit.cands) > 1:
            out[target] = hit._replace(cands=_rerank(gaz, hit.cands, ResolveContext(near=[anchor])))
    return out


_OFFSET_KM = {"country": 150.0, "governorate": 35.0, "region": 25.0, "district": 20.0}
_ADJECTIVE = {"north": "northern", "south": "southern", "east": "eastern", "west": "western",
              "northeast": "northeastern", "northwest": "northwestern", "southeast": "southeastern",
              "southwest": "southwestern"}


def _named_region(gaz: Gazetteer, name: str, direction: str, of: bool) -> Place | None:
    """A curated region the phrase names: "the west of Aleppo", "eastern Aleppo", ..."""
    from claimscope.geo.gazetteer import FOLDED

    forms = [f"{direction} of {name}", f"{_ADJECTIVE[direction]} {name}", f"{direction} {name}"]
    if not of:
        forms = forms[1:] + forms[:1]
    for form in forms:
        for c in gaz.candidates(form):
            if c.tier != FOLDED and c.place.kind == "region" and c.place.source != "derived":
                return c.place
    return None


def _governorate_of(gaz: Gazetteer, places: list[Place]) -> Place | None:
    for p in places:
        if p.kind == "governorate":
            return p
    top = places[0] if places else None
    if top is not None and top.country == "SY" and top.admin1:
        gov = gaz.get("gov:" + re.sub(r"[^a-z0-9]+", "-", exact_key(top.admin1)).strip("-"))
        if gov is not None and loose_key(gov.name) == loose_key(top.name):
            return gov  # the governorate seat stands for its governorate ("south of Idlib")
    return None


def _direction(gaz: Gazetteer, text: str, hit: _Hit) -> _Hit:
    from claimscope.geo.gazetteer import EXACT, Candidate

    if not hit.cands:
        return hit
    first_word = exact_key(text[hit.start:hit.end]).split(" ")[0]
    if first_word in GENERIC_TOKENS or first_word in ("city", "town"):
        return hit  # "the northwestern province of Idlib" is Idlib province, not its north-west
    window_start = max(0, hit.start - 80)
    pre = _PRE_DIR_RE.search(text[window_start:hit.start])
    post = _POST_DIR_RE.match(text[hit.end:hit.end + 60])
    if pre is None and post is None:
        return hit
    places = [c.place for c in hit.cands]
    base = places[0]
    if pre is not None:
        direction = re.sub(r"[- ]", "", pre.group("dir").lower())
        start, end, km = window_start + pre.start(), hit.end, pre.group("km")
    else:
        direction = re.sub(r"[- ]", "", post.group("dir").lower())
        start, end, km = hit.start, hit.end + post.end(), None
    bearing = curated.DIRECTION_BEARINGS[direction]
    if km is not None:
        dist = float(km.replace(",", "."))
        lat, lon = offset(base.lat, base.lon, bearing, dist)
        new = Place(
            id=f"offset:{base.id}:{direction}:{dist:g}", name=f"{dist:g} km {direction} of {base.name}",
            kind="town" if dist <= 10 else "district", lat=lat, lon=lon, country=base.country,
            admin1=base.admin1, source="derived", parent=base.name,
        )
    else:
        new = _named_region(gaz, text[hit.start:hit.end], direction, of=pre is not None and bool(pre.group("of")))
        gov = _governorate_of(gaz, places) if new is None else None
        if new is None and gov is not None:
            new = gaz.get(f"region:{direction}-{gov.id.split(':', 1)[1]}")
        if new is None:
            ref = gov or base
            dist = _OFFSET_KM.get(ref.kind, 15.0)
            lat, lon = offset(ref.lat, ref.lon, bearing, dist)
            label = (f"{_ADJECTIVE[direction].capitalize()} {ref.name}" if ref.kind in ("country", "governorate", "region")
                     else f"{direction} of {ref.name}")
            new = Place(
                id=f"offset:{ref.id}:{direction}", name=label, kind="region", lat=lat,
                lon=lon, country=ref.country, admin1=ref.admin1, source="derived", parent=ref.name,
            )
    return _Hit(start, end, [Candidate(new, EXACT, gaz.prominence(new), 1.0), *hit.cands], phrase=True)


def resolve_hits(gaz: Gazetteer, text: str, hits: list[_Hit], country: str | None) -> list[tuple[int, int, Place]]:
    """One place per hit: hits with a single candidate anchor the others."""
    from claimscope.geo.gazetteer import ResolveContext

    anchors = [h.cands[0].place for h in hits if len(h.cands) == 1]
    out = []
    for h in hits:
        if not h.cands:
            continue
        if h.phrase or len(h.cands) == 1:
            out.append((h.start, h.end, h.cands[0].place))
            continue
        own = {c.place.id for c in h.cands}
        ctx = ResolveContext(country=country, near=[a for a in anchors if a.id not in own])
        out.append((h.start, h.end, _rerank(gaz, h.cands, ctx)[0].place))
    return out
