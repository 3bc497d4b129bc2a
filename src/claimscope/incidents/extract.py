"""Incident mentions from one article: sentence frames grouped into mentions.

1. Each sentence becomes a *frame*: its incident triggers and weapons (``taxonomy``), dates
   (``dates``), places (the gazetteer's ``resolve_text``), casualty figures (``casualties``),
   actors (``actors``) and the modality the text and the claims give it.
2. A sentence with a strong trigger, or a weak one next to a place, date or figure, reports an
   incident. Frames are grouped into mentions: a frame joins the latest open mention whose type
   is compatible and whose date, place and weapon do not contradict it (an anaphoric "the attack"
   joins the latest mention whatever its details); otherwise it starts a new mention.
3. Each mention takes the most specific type and weapon, the event date (reporting dates such
   as "said on Monday" only as a fallback), the most precise place near its triggers, the first
   perpetrator, the figures, and a modality; the main mention is the first one that is not
   background (dated well before publication, or only anchored to history).

Everything here is rules; docs/incidents.md states them and the bench measures them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from claimscope.geo import Place, distance_km
from claimscope.incidents import actors as actors_mod
from claimscope.incidents import casualties as cas
from claimscope.incidents import dates as dates_mod
from claimscope.incidents.taxonomy import AGENTS, ANAPHORIC_NOUNS, TRIGGER_RULES, compatible, more_specific

MODALITY_RANK = {"fact": 0, "alleged": 1, "denied": 2, "hypothetical": 3, "anticipated": 4}
BACKGROUND_DAYS = 45  # an incident dated this long before publication is background history
# A chemical agent named this many characters after an incident's last sentence, with no date,
# place or "the attack" of its own, is not taken to tell how that incident was carried out.
CHEMICAL_JOIN_GAP = 400
# An incident dated only by its report ("said on Sunday") is not the one a later sentence dates
# more than this many days earlier ("In May a raid on the camp ...").
REPORTED_GAP_DAYS = 7
_PRECISION_ORDER = {"neighbourhood": 0, "town": 1, "district": 2, "region": 3, "governorate": 4, "country": 5}

# Words of organisations and treaties that contain weapon words but report no incident.
_MASK = re.compile(r"Prohibition of Chemical Weapons|Chemical Weapons Convention|OPCW|Joint Investigative Mechanism|"
                   r"Toxic Arms Inspectorate|chemical (?:weapons )?(?:stockpiles?|arsenal|programme|program|"
                   r"disarmament|deal|watchdog|inspectors?|experts?|factor(?:y|ies)|facilit(?:y|ies)|plants?|"
                   r"depots?|warehouses?|storage|production|sites?|labs?|laborator(?:y|ies)|research)|"
                   r"Civil Defen[cs]e|White Helmets|"
                   r"Security Council|death toll for|fact-finding mission", re.I)
_ANTICIPATED = re.compile(r"\b(?:prepar(?:e|es|ed|ing|ations?)|plan(?:s|ning|ned)?\s+to|plot(?:s|ting|ted)?\s+to|"
                          r"intend(?:s|ing)?\s+to|about to|going to|will (?:stage|carry out|launch|use|fabricate)|"
                          r"are set to|(?:in|over) the (?:coming|next) (?:few )?(?:days|hours|weeks)|within days|"
                          r"imminent|plans? (?:of|for)|scenario|would soon)\b", re.I)
_FUTURE_TENSE = re.compile(r"\bwill (?:show|come|happen|be staged|be carried out|take place|follow)\b|"
                           r"\bwhen the \W?\w+\W? (?:in \w+(?: \w+)? )?comes\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:if|in case|in the event|were to|should .{0,20}(?:happen|occur)|unless|whether)\b", re.I)
_DENIED_TEXT = re.compile(r"\b(?:staged|stage|staging|fabricat\w*|fake|faked|false[- ]flag|never happened|hoax|"
                          r"theatre|theater|play-acting|show|lies|lie|baseless|so-called|dismiss\w*|rejects?|"
                          r"rejected|denie[sd]|deny|denying|no (?:chemical|gas|such) (?:attack|weapons?))\b", re.I)
_STRONG_DENIAL = re.compile(r"\b(?:staged|fabricated|faked|fake|false[- ]flag|never happened|hoax|fairy[- ]tales?|"
                            r"theatrical|play-acting|(?:is|are|were|was) lies)\b", re.I)
_ALLEGED_TEXT = re.compile(r"\b(?:alleged(?:ly)?|reportedly|suspected|claims?|claimed|accus\w+|allegations?|"
                           r"said to have|blamed|according to)\b", re.I)
_REPORTING_BEFORE = re.compile(r"(?:\b(?:said|says|announced|stated|told|reported|added|statement|released|"
                               r"updated|posted|publication|published|issued|declared|confirmed|report|tweeted|wrote|"
                               r"noted|warned|accused|"
                               r"accusing|blamed|rejected|denied|dismissed|urged|called|found|concluded|determined)\b"
                               r"(?:(?!\b(?:on|in|at|the|that|of|a|an|which)\b)[^.;,]){0,30}(?:\b(?:on|in)\s+)?)$", re.I)
_REPORTING_AFTER = re.compile(r"^['’]?s?\s*(?:,\s*)?(?:said|says|announced|stated|told|reported|rejected|denied|dismissed|"
                              r"accused|blamed|warned|issued|released|published|urged|called)\b", re.I)
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{2,40}(?:,|\s+\(|\s+-|\s+—|\s+–)")
# A dateline further in, after a headline or a "Last updated" line: "... MOSCOW (Sputnik) According
# to ...", "BEIRUT Thirteen civilians ...", "Beirut London- Warplanes ...", "Jan 202015 Beirut Syrian".
_DATELINE_AFTER_CAPS = re.compile(r"^(?:\s*\([^)]{2,40}\))?\s*(?:[-–—:,]|\s[A-Z\"“])")
_DATELINE_AFTER_DASH = re.compile(r"^(?:\s+[A-Z][a-z]+)?\s*[-–—]\s")
_DATELINE_AFTER_NUMBER = re.compile(r"\d{4}\s+$")
_OUTLET_AFTER = re.compile(r"^(?:\s+(?:Press|Agency|TV|Radio|International|Network|Today|Dispatch|Ledger|Monitor|"
                           r"Truth|News|Media|Times|Post|Observatory|Centre|Center))|^\)", re.I)
# "... in north of Syria's Aleppo Monitor AFP": a wire headline's source tag, not an outlet named after the place
_HEADLINE_TAG_AFTER = re.compile(r"^\s+(?:Monitor|NGO|State media|Activists)\s+(?:AFP|Reuters|AP|DPA)\b")
_ORIGIN_BEFORE = re.compile(r"\b(?:evacuated from|evacuees from|evacuating (?:residents|people) (?:of|from)|"
                            r"residents (?:of|from)|displaced from|fled(?: from)?|fleeing(?: from)?|"
                            r"carrying (?:residents|people|evacuees) (?:of|from))(?: the)?"
                            r"(?: (?:besieged|northern|southern|eastern|western|two|Shiite|rebel-held|"
                            r"government-held|towns?|villages?|of|and|city|cities|(?-i:[A-Z][\w'-]+)))*\s+$", re.I)
_CONTAINER_BETWEEN = re.compile(r"^(?:\s*(?:\w+\s+){0,2}(?:of|in|near|outside)\s+(?:the\s+)?(?:\w+\s+){0,2}|\s*,\s*)$",
                                re.I)
_GENERIC = re.compile(r"\b(?:in|during|since|throughout) the (?:\w+ )?(?:conflict|war|uprising|crisis|revolution)\b|"
                      r"\bsince (?:the start|the beginning|(?:19|20)\d\d)\b|\bwhenever\b|\bevery time\b|\brepeatedly\b",
                      re.I)
_PLACE_METONYM_AFTER = re.compile(r"^(?:'s)?\s+(?:government|regime|authorities|officials|administration|ministry|"
                                  r"(?:State |Defen[cs]e |Foreign )?Department|Secretary|President|envoy|ambassador|"
                                  r"embassy|Congress|Senate|delegation|representatives?|"
                                  r"said|says|has|have|state|governor|council|talks|deal|process|conference|agreement|"
                                  r"accused|denied|Observatory|Media|News|Times|Post)\b", re.I)
# "U.S. air strikes", "Russian-backed forces", "Turkey's army": the country acts, it is not the scene.
_COUNTRY_AS_AGENT_AFTER = re.compile(r"^(?:'s|’s)?[\s-]+(?:-?led\s+|-?backed\s+)?"
                                     r"(?:(?:missile|cruise|rocket|drone|artillery|naval|bombing|military|special)\s+)?"
                                     r"(?:air\s*strikes?|airstrikes?|strikes?|raids?|"
                                     r"air\s+raids?|forces|troops|jets|warplanes|aircraft|planes|drones?|army|military|"
                                     r"soldiers|marines|navy|air\s+force|coalition|led|backed|based|special\s+forces|bombers?)\b",
                                     re.I)
_INCIDENT_DATE_NEAR = re.compile(r"\b(?:attack|strike|raid|shelling|blast|explosion|bombing|assault|massacre|"
                                 r"killed|died|hit|struck|dropped|fired)\w*\b", re.I)


@dataclass
class Frame:
    """What one sentence says about an incident."""

    start: int
    end: int
    triggers: list[tuple[int, int, str, str]]  # (start, end, event type, strength)
    agents: list[tuple[int, int, Any]]  # (start, end, taxonomy.Agent)
    dates: list[dates_mod.DateMention]
    places: list[tuple[int, int, Place]]
    figures: list[cas.Figure]
    actors: list[actors_mod.ActorHit]
    modality: str = "fact"
    modality_source: str | None = None
    speaker: str | None = None
    anaphoric: bool = False
    generic: bool = False

    @property
    def event_type(self) -> str:
        best = None
        for _, _, etype, _ in self.triggers:
            best = etype if best is None else (more_specific(best, etype) if compatible(best, etype) else best)
        for _, _, agent in self.agents:
            if best is None or compatible(best, agent.event_type):
                best = agent.event_type if best is None else more_specific(best, agent.event_type)
        return best or "unspecified"

    def event_dates(self) -> list[dates_mod.DateMention]:
        return [d for d in self.dates if d.kind in ("absolute", "relative", "weekday", "anchored")]


@dataclass
class Mention:
    frames: list[Frame] = field(default_factory=list)
    event_type: str = "unspecified"
    agent: Any = None
    date: dates_mod.DateValue | None = None
    date_text: str | None = None
    date_span: tuple[int, int] | None = None
    date_is_reporting: bool = False
    place: Place | None = None
    place_span: tuple[int, int] | None = None
    places: list[tuple[int, int, Place]] = field(default_factory=list)
    is_main: bool = False
    background: bool = False
    modality: str = "fact"
    modalities: list[str] = field(default_factory=list)
    place_inferred: bool = False

    @property
    def start(self) -> int:
        return self.frames[0].triggers[0][0] if self.frames[0].triggers else self.frames[0].start

    @property
    def end(self) -> int:
        return self.frames[0].triggers[0][1] if self.frames[0].triggers else self.frames[0].end


@dataclass
class Context:
    text: str
    published: date | None
    sentences: list[tuple[int, int]]
    claims: list[dict] = field(default_factory=list)
    gazetteer: Any = None
    focus: str | None = None  # focus country name, e.g. "Syria"
    focus_iso: str | None = None  # its ISO2 code for the gazetteer, e.g. "SY"
    country_of: Any = None  # demonym -> country name
    outlet: str | None = None
    fallback_places: list = field(default_factory=list)  # lede and dateline places, for a main without one
    places: list = field(default_factory=list)  # every place the article names as a scene, in text order


# ---------------------------------------------------------------------------------------------
# frames

def _masked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MASK.finditer(text)]


def _inside(a: int, b: int, ranges: list[tuple[int, int]]) -> bool:
    return any(ra <= a and b <= rb for ra, rb in ranges)


def _triggers(text: str, start: int, end: int, mask: list[tuple[int, int]]) -> list[tuple[int, int, str, str, Any]]:
    segment = text[start:end]
    found: list[tuple[int, int, str, str, Any]] = []
    for rule in TRIGGER_RULES:
        for m in rule.pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if _inside(a, b, mask):
                continue
            # a longer trigger already covers this one ("chemical attack" over "attack")
            if any(fa <= a and b <= fb for fa, fb, *_ in found):
                continue
            found = [f for f in found if not (a <= f[0] and f[1] <= b)]
            found.append((a, b, rule.event_type, rule.strength, rule.stance))
    found.sort()
    return found


def _agents(text: str, start: int, end: int, mask: list[tuple[int, int]]) -> list[tuple[int, int, Any]]:
    segment = text[start:end]
    out = []
    for agent in AGENTS:
        for m in agent.pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if _inside(a, b, mask) or any(oa <= a and b <= ob for oa, ob, _ in out):
                continue
            out.append((a, b, agent))
    out.sort(key=lambda t: t[0])
    return out


def _claims_covering(ctx: Context, a: int, b: int) -> list[dict]:
    return [c for c in ctx.claims if c["content_start"] <= a and b <= c["content_end"]]


def _modality(ctx: Context, frame: Frame, trig_start: int, trig_end: int, stance: str | None) -> tuple[str, str | None]:
    """(modality, who says so) for a trigger: text cues first, then the claims around it."""
    text = ctx.text
    clause_start = max(frame.start, trig_start - 120)
    before = text[clause_start:trig_start]
    window = text[max(frame.start, trig_start - 80):min(frame.end, trig_end + 60)]
    wide = text[max(frame.start, trig_start - 80):min(frame.end, trig_end + 110)]
    covering = sorted(_claims_covering(ctx, trig_start, trig_end), key=lambda c: c["content_end"] - c["content_start"],
                      reverse=True)
    speaker = next((c.get("speaker") for c in covering if c.get("speaker")), None)
    if (_ANTICIPATED.search(window) or _FUTURE_TENSE.search(window)) and not re.search(r"\b(?:was|were|had been) prepared\b", window):
        return "anticipated", speaker
    if _HYPOTHETICAL.search(before[-60:]):
        return "hypothetical", speaker
    kinds = [c["claim_type"] for c in covering]
    if "denial" in kinds or stance == "denied":
        return "denied", speaker
    if _STRONG_DENIAL.search(wide):
        return "denied", speaker
    if any(c["claim_type"] == "assertion" and _DENIED_TEXT.search(text[c["content_start"]:c["content_end"]])
           for c in covering) and _DENIED_TEXT.search(window):
        return "denied", speaker
    if any(k in ("allegation", "counter_accusation", "warning") for k in kinds):
        return "alleged", speaker
    if _DENIED_TEXT.search(window) and re.search(r"\b(?:staged|fabricat\w*|fake|false[- ]flag|never happened|hoax|"
                                                 r"lies)\b", window, re.I):
        return "denied", speaker
    if _ALLEGED_TEXT.search(before[-70:]):
        return "alleged", speaker
    return "fact", speaker


def _town_named(ctx: Context, governorate: Place) -> Place | None:
    """"the city of Harsun": the town that shares the governorate's name."""
    name = re.sub(r"\s+(?:governorate|province)$", "", governorate.name, flags=re.I)
    for place in ctx.gazetteer.lookup(name, limit=10):
        if place.kind == "town" and distance_km(place, governorate) < 80:
            return place
    return None


def _drop_containers(places: list[tuple[int, int, Place]], text: str) -> list[tuple[int, int, Place]]:
    """In "the Sukri neighbourhood of Aleppo" or "Kafr Zita, Hama" the second place only
    locates the first: keep the first."""
    out = []
    for i, hit in enumerate(places):
        prev = places[i - 1] if i else None
        between = text[prev[1]:hit[0]] if prev is not None else ""
        if prev is not None and hit[0] - prev[1] <= 40 and _CONTAINER_BETWEEN.match(between) and \
                not re.search(r"\b(?:and|or|to|from)\b", between) and prev[2].kind != "country" and \
                (_PRECISION_ORDER.get(prev[2].kind, 6) < _PRECISION_ORDER.get(hit[2].kind, 6) or
                 re.search(r"\b(?:neighbou?rhoods?|suburbs?|district|quarter|area|outskirts|countryside|village|town)\s+of",
                           between, re.I)):
            continue
        out.append(hit)
    return out


def _dateline_inside(text: str, a: int, b: int) -> bool:
    """A place that heads a story's body rather than telling where something happened: an
    all-capitals name followed by the agency, a dash or the first sentence ("MOSCOW (Sputnik)
    According to ...", "BEIRUT Thirteen civilians ..."), a name before a dash near the top
    ("Beirut London- Warplanes ..."), or a name right after a "Last updated" date."""
    surface = text[a:b]
    after = text[b:b + 45]
    if surface.isupper() and sum(ch.isalpha() for ch in surface) >= 4 and _DATELINE_AFTER_CAPS.match(after):
        return True
    if a < 400 and _DATELINE_AFTER_DASH.match(after):
        return True
    return a < 400 and bool(_DATELINE_AFTER_NUMBER.search(text[max(0, a - 12):a])) and after[:2].strip()[:1].isupper()


def build_frames(ctx: Context) -> list[Frame]:
    text = ctx.text
    mask = _masked(text)
    base = ctx.published
    all_dates = dates_mod.find_dates(text, base)
    all_places = []
    if ctx.gazetteer is not None:
        dateline = _DATELINE.match(text[:60])
        for a, b, place in ctx.gazetteer.resolve_text(text, country=ctx.focus_iso):
            if _PLACE_METONYM_AFTER.match(text[b:b + 20]) or _inside(a, b, mask) or \
                    _OUTLET_AFTER.match(text[b:b + 15]) and not _HEADLINE_TAG_AFTER.match(text[b:b + 30]):
                continue
            if place.kind == "country" and _COUNTRY_AS_AGENT_AFTER.match(text[b:b + 30]):
                continue
            if _ORIGIN_BEFORE.search(text[max(0, a - 45):a]):
                continue  # "buses carrying residents evacuated from Fua and Kafraya": where they came from
            if dateline and b <= dateline.end() + 12 and (text[a:b].isupper() or text[a - 1:a] == "("):
                if place.kind != "country":
                    ctx.fallback_places.append((a, b, place))
                continue  # "HARSUN, Kestria (Meridian) -": where it was filed, not where it happened
            if _dateline_inside(text, a, b):
                if place.kind != "country" and (ctx.focus_iso is None or place.country == ctx.focus_iso):
                    ctx.fallback_places.append((a, b, place))
                continue
            if ctx.outlet and text[a:b].lower() in ctx.outlet.lower().split():
                continue
            if place.kind == "governorate" and re.match(r"(?:the\s+)?(?:\w+\s+)?city of\s", text[a:b], re.I):
                town = _town_named(ctx, place)
                place = town or place
            if any(c.get("source_start") is not None and c["source_start"] <= a and b <= c["source_end"]
                   for c in ctx.claims):
                continue  # "the Aleppo Media Centre said": a source, not where it happened
            all_places.append((a, b, place))
    ctx.places = list(all_places)
    lede_end = ctx.sentences[min(1, len(ctx.sentences) - 1)][1] if ctx.sentences else 0
    ctx.fallback_places[:0] = [p for p in all_places if p[0] < lede_end and p[2].kind != "country"]
    all_figures = cas.find_figures(text)
    frames: list[Frame] = []
    for s_start, s_end in ctx.sentences:
        trig = _triggers(text, s_start, s_end, mask)
        agents = _agents(text, s_start, s_end, mask)
        dates = [d for d in all_dates if s_start <= d.start < s_end]
        places = _drop_containers([p for p in all_places if s_start <= p[0] < s_end], text)
        figures = [f for f in all_figures if s_start <= f.start < s_end]
        strong = [t for t in trig if t[3] == "strong"]
        weak = [t for t in trig if t[3] == "weak"]
        if not strong:
            if not weak:
                continue
            support = bool(figures) or bool(places) or any(d.kind in ("absolute", "relative", "weekday") for d in dates)
            denial = any(t[4] == "denied" for t in weak)
            if not support and not denial and not any(t[2] != "unspecified" and text[t[0]:t[1]].lower() in ANAPHORIC_NOUNS
                                                      for t in weak):
                continue
        sentence = text[s_start:s_end]
        frame = Frame(s_start, s_end, [(a, b, e, s) for a, b, e, s, _ in (strong or weak)], agents, dates, places,
                      figures, actors_mod.find_actors(text, s_start, s_end, ctx.focus, ctx.country_of))
        frame.generic = bool(_GENERIC.search(sentence)) and not strong
        if frame.generic and not places:
            continue
        first = (strong or weak)[0]
        stance = next((t[4] for t in (strong or weak) if t[4]), None)
        frame.modality, frame.speaker = _modality(ctx, frame, first[0], first[1], stance)
        frame.anaphoric = bool(re.search(r"\b(?:the|that|this|the same|Tuesday's|Monday's|yesterday's)\s+(?:\w+\s+)?"
                                         r"(?:" + "|".join(ANAPHORIC_NOUNS) + r")\b", sentence, re.I))
        frames.append(frame)
    return frames


# ---------------------------------------------------------------------------------------------
# grouping frames into mentions

def _event_date(frame: Frame, ctx: Context) -> tuple[dates_mod.DateMention | None, bool]:
    """The frame's incident date and whether it is only a reporting date ("said on Monday")."""
    best, reporting = None, None
    anchor = frame.triggers[0][0] if frame.triggers else frame.start
    for d in sorted(frame.event_dates(), key=lambda d: abs(d.start - anchor)):
        if d.kind == "anchored":
            continue
        if d.value is None:
            continue
        if _REPORTING_BEFORE.search(ctx.text[max(frame.start, d.start - 40):d.start]) or \
                _REPORTING_AFTER.match(ctx.text[d.end:d.end + 15]):
            reporting = reporting or d
            continue
        if ctx.published and d.value.start > ctx.published + timedelta(days=1):
            continue  # a future date is no incident date
        best = d
        break
    if best is not None:
        return best, False
    return reporting, reporting is not None


_UNREAL = ("anticipated", "hypothetical")


def _names_the_anchor(frame: Frame, anchored: dates_mod.DateMention) -> bool:
    """"... in 2015, a year after an attack with sarin killed ...": the frame's trigger follows
    the phrase, so the frame's incident is what the phrase counts from."""
    return any(0 <= a - anchored.end <= 12 for a, *_ in frame.triggers)


def _date_before_anchor(frame: Frame, anchored: dates_mod.DateMention, text: str) -> dates_mod.DateMention | None:
    """The anchor event's date: the date just before the phrase ("2015, a year after") moved
    back by the phrase's span (or forward, for "a year before"); None without such a date."""
    base = next((d for d in frame.dates if d.value is not None and d.kind in ("absolute", "relative", "weekday")
                 and 0 <= anchored.start - d.end <= 4), None)
    if base is None:
        return None
    n, unit, direction = anchored.anchor
    back = "before" if direction in ("after", "following", "later") else "after"
    return replace(base, end=anchored.end, text=text[base.start:anchored.end], kind="anchored",
                   value=dates_mod.shift(base.value, n, unit, back), anchor=anchored.anchor)


def _place_conflict(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or a.id == b.id:
        return False
    coarse = {"country", "governorate", "region"}
    if a.kind in coarse or b.kind in coarse:
        if a.kind == "country" or b.kind == "country":
            return bool(a.country and b.country and a.country != b.country)
        if a.admin1 and b.admin1:
            return a.admin1 != b.admin1 and distance_km(a, b) > 60
        return distance_km(a, b) > 120
    return distance_km(a, b) > 30


def _best_place(frame: Frame) -> tuple[int, int, Place] | None:
    """The most precise place of a frame near its triggers (countries only without others)."""
    if not frame.places:
        return None
    anchor = frame.triggers[0][0] if frame.triggers else frame.start

    def key(hit):
        a, _, place = hit
        return (_PRECISION_ORDER.get(place.kind, 6) >= 5, _PRECISION_ORDER.get(place.kind, 6) >= 3,
                abs(a - anchor) / 400 + _PRECISION_ORDER.get(place.kind, 6) * 0.2)
    return sorted(frame.places, key=key)[0]


def group(frames: list[Frame], ctx: Context) -> list[Mention]:
    mentions: list[Mention] = []
    for frame in frames:
        fdate, freporting = _event_date(frame, ctx)
        fplace = _best_place(frame)
        ftype = frame.event_type
        fagent = max((a for _, _, a in frame.agents), key=lambda a: a.rank, default=None)
        anchored = next((d for d in frame.dates if d.kind == "anchored" and d.anchor), None)
        if anchored is not None and _names_the_anchor(frame, anchored):
            fdate, freporting = _date_before_anchor(frame, anchored, ctx.text), False
            anchored = None  # the frame tells the earlier event itself, not one dated from it
        target = None
        for mention in reversed(mentions[-3:]):
            if not compatible(mention.event_type, ftype) and not frame.anaphoric:
                continue
            if fagent and mention.agent and fagent.name != mention.agent.name and \
                    fagent.event_type == mention.agent.event_type == "chemical_weapon" and \
                    min(fagent.rank, mention.agent.rank) >= 80:
                continue  # sarin and chlorine: two incidents
            if fdate and not freporting and mention.date and not mention.date_is_reporting and \
                    not fdate.value.overlaps(mention.date, slack_days=1):
                continue
            if fplace and mention.place and _place_conflict(fplace[2], mention.place):
                continue
            if fdate and not freporting and mention.date is not None and mention.date_is_reporting and \
                    not frame.anaphoric and frame.figures and \
                    fdate.value.end < mention.date.start - timedelta(days=REPORTED_GAP_DAYS):
                continue  # "In May a raid on the camp left dozens dead": an earlier incident with its own toll
            if anchored is not None:
                continue  # "two days after the attack" is another event than the attack
            if "chemical_weapon" in (ftype, fagent.event_type if fagent else None) and \
                    mention.event_type != "chemical_weapon" and not frame.anaphoric and not fplace and \
                    not (fdate and not freporting) and frame.start - mention.frames[-1].end > CHEMICAL_JOIN_GAP:
                continue  # "... tactics that have included chemical weapons" paragraphs later: not this strike
            if (frame.modality in _UNREAL) != (mention.frames[0].modality in _UNREAL) and \
                    (fdate and not freporting or mention.date and not mention.date_is_reporting):
                continue  # a feared or supposed attack is not the past one it is compared with
            target = mention
            break
        if target is None:
            target = Mention()
            mentions.append(target)
        _absorb(target, frame, fdate, freporting, fplace, fagent, ctx, anchored, mentions)
    return mentions


def _absorb(m: Mention, frame: Frame, fdate, freporting: bool, fplace, fagent, ctx: Context, anchored,
            mentions: list[Mention]) -> None:
    first = not m.frames
    m.frames.append(frame)
    ftype = frame.event_type
    if first:
        m.event_type = ftype
    elif compatible(m.event_type, ftype):
        m.event_type = more_specific(m.event_type, ftype)
    if fagent and (m.agent is None or fagent.rank > m.agent.rank) and compatible(m.event_type, fagent.event_type):
        m.agent = fagent
        if first or m.event_type in ("unspecified", "attack", "explosion") or fagent.event_type == "chemical_weapon":
            m.event_type = more_specific(m.event_type, fagent.event_type)
    refines = fdate and not freporting and ftype != "unspecified" and m.date is not None and \
        fdate.value.span_days < m.date.span_days and m.date.contains(fdate.value)
    if fdate and (m.date is None or (m.date_is_reporting and not freporting) or refines):
        m.date, m.date_text, m.date_span, m.date_is_reporting = fdate.value, fdate.text, (fdate.start, fdate.end), freporting
    if anchored is not None and m.date is None:
        previous = [x for x in mentions if x is not m and x.date is not None and x.frames[0].start < frame.start]
        if previous:
            n, unit, direction = anchored.anchor
            m.date = dates_mod.shift(previous[-1].date, n, unit, direction)
            m.date_text, m.date_span = anchored.text, (anchored.start, anchored.end)
    if fplace and (m.place is None or _PRECISION_ORDER.get(fplace[2].kind, 6) < _PRECISION_ORDER.get(m.place.kind, 6)
                   and not _place_conflict(fplace[2], m.place)):
        m.place, m.place_span = fplace[2], (fplace[0], fplace[1])
    for hit in frame.places:
        if not any(h[2].id == hit[2].id for h in m.places):
            m.places.append(hit)


def finish(mentions: list[Mention], ctx: Context) -> list[Mention]:
    """Modality, background and the main mention."""
    base = ctx.published
    for m in mentions:
        mods = [f.modality for f in m.frames]
        m.modalities = sorted(set(mods), key=lambda x: MODALITY_RANK[x])
        # the first sentence that tells the incident frames it: the lede's "X denies ..." or
        # "Y accuses ..." decides, later quotes of the other side add to ``modalities``
        m.modality = mods[0]
        if m.date is not None and base is not None:
            m.background = m.date.end < base - timedelta(days=BACKGROUND_DAYS)
        elif m.date is None and m.modality != "anticipated":
            m.background = any(d.kind == "since" for f in m.frames for d in f.dates)
        if all(f.generic for f in m.frames):
            m.background = True
    for m in mentions:
        if m.modality in ("anticipated", "hypothetical") and m.date_is_reporting:
            m.date = m.date_text = m.date_span = None
            m.date_is_reporting = False
    lede_end = ctx.sentences[min(1, len(ctx.sentences) - 1)][1] if ctx.sentences else 0

    def weight(m: Mention) -> float:
        """How much the article is about this mention: told in the lede, at length, with details."""
        strong = sum(1 for f in m.frames if any(t[3] == "strong" for t in f.triggers))  # frames, not words:
        # "a car bomb went off ... two suicide bombers detonated" is one sentence, not four incidents' worth
        local = m.place is not None and m.place.kind != "country"
        return (len(m.frames) + strong + 2 * local + bool(m.date) + bool(m.agent)
                + sum(bool(f.figures) for f in m.frames) + 4 * (m.frames[0].start < lede_end)
                - 5 * m.background - 3 * m.frames[0].start / max(len(ctx.text), 1)
                - 3 * (m.event_type == "unspecified"))
    if mentions:
        main = max(mentions, key=weight)
        main.is_main = True
        _refine_main_place(main, mentions, ctx)
    return mentions


def _coarse(place: Place | None) -> bool:
    return place is None or place.kind == "country" or (place.kind == "region" and not place.admin1)


def _refine_main_place(main: Mention, mentions: list[Mention], ctx: Context) -> None:
    """A main incident placed only in a country or a vague region ("northern Syria") takes the
    finer place the next sentences give ("IS fighters infiltrated Sarrin in Aleppo province"):
    first from the other actual mentions told in the first six sentences, then from the lede or
    dateline, then from any finer place those six sentences name ("the monitor said the raids
    targeted the town of Milis in Idlib province"). Marked ``place_inferred``: it did not come
    from the main mention's own sentences."""
    if not _coarse(main.place):
        return
    top_end = ctx.sentences[min(5, len(ctx.sentences) - 1)][1] if ctx.sentences else 0
    nearby = [(m.place_span[0], m.place_span[1], m.place) for m in mentions
              if m is not main and not m.background and m.place is not None and not _coarse(m.place)
              and m.place_span is not None and m.frames[0].start < top_end
              and m.modality not in _UNREAL]
    country = main.place.country if main.place is not None else None
    if main.place is not None and main.place.kind == "country" and ctx.focus_iso and country != ctx.focus_iso:
        country = None  # "the United States" in a story about Syria says who acts, not where
    named = [hit for hit in ctx.places if hit[0] < top_end and not _coarse(hit[2])]
    for a, b, place in sorted(nearby, key=lambda hit: hit[0]) + list(ctx.fallback_places) + named:
        if _coarse(place) or place is main.place:
            continue  # the lede's own "northwestern Syria" refines nothing
        if country is None or place.country == country:  # a vague region only says which country
            main.place, main.place_span, main.place_inferred = place, (a, b), True
            return


def extract(ctx: Context) -> list[Mention]:
    return finish(group(build_frames(ctx), ctx), ctx)
