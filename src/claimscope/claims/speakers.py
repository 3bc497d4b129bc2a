"""Who is speaking: resolve a source mention to its fullest mention in the article and say
what kind of actor it is.

"the statement", "the ministry", "it", "he", "Kostel" and "Damascus" (the capital standing for
its government) are resolved against the speakers and named entities met earlier in the same
article, the way a careful reader does: the nearest compatible antecedent wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.claims.rules import DOCUMENT_NOUNS, VAGUE_SOURCES
from claimscope.claims.world import World, countries_in

_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_APPOSITION = re.compile(r",\s+(?:the|a|an|who|which|one of|widely|also|known)\b.*$", re.IGNORECASE | re.DOTALL)
_POSSESSIVE = re.compile(r"[’']s?$")

# keyword -> actor kind, checked in order (first match wins)
_KIND_RULES: list[tuple[str, re.Pattern]] = [
    ("international_body", re.compile(r"\b(united nations|UN|U\.N\.|security council|council of nations|envoy|"
                                      r"inspectorate|OPCW|ITAI|world health|WHO|red cross|ICRC|fact-finding|"
                                      r"commission of inquiry|inquiry|NATO|european union|EU|arab league|"
                                      r"international (?:\w+ )?(?:organi[sz]ation|agency|body|mission|committee))\b",
                                      re.IGNORECASE)),
    ("ngo", re.compile(r"\b(observatory|human rights|rights monitor|monitor|amnesty|watch|white helmets|"
                       r"civil defen[cs]e|rescue|rescuers|volunteers|orange vests|médecins|doctors without|MSF|"
                       r"medical relief|relief union|relief|charity|NGO|network for|syndicate|activists?|"
                       r"monitoring group|hospital|medics?|doctors?|paramedics?)\b", re.IGNORECASE)),
    ("armed_forces", re.compile(r"\b(army|armed forces|military|general command|air force|navy|troops|soldiers|"
                                r"brigadier|general|colonel|major|commander|defen[cs]e ministry|ministry of defen[cs]e|"
                                r"security services|police)\b", re.IGNORECASE)),
    ("armed_group", re.compile(r"\b(rebels?|militants?|militias?|fighters?|insurgents?|terrorists?|jihadists?|"
                               r"front|brigades?|battalions?|ISIS|ISIL|IS|Daesh|al-Qaeda|Nusra|Hayat Tahrir|HTS|"
                               r"Free Syrian Army|FSA|opposition groups?|armed groups?|liberation)\b", re.IGNORECASE)),
    ("government", re.compile(r"\b(government|ministry|minister|ministers|president|presidency|prime minister|"
                              r"cabinet|state department|foreign office|spokes(?:man|woman|person) for the|"
                              r"officials?|authorities|regime|embassy|ambassador|parliament|governor|"
                              r"local council|council|mayor|deputy)\b", re.IGNORECASE)),
    ("media", re.compile(r"\b(news agency|agency|newspaper|television|TV|channel|radio|broadcaster|outlet|"
                         r"correspondent|reporter|journalist|editor|media|website|blog|daily|times|press)\b",
                         re.IGNORECASE)),
    ("civilians", re.compile(r"\b(residents?|witnesses|survivors?|villagers|locals|families|relatives|"
                             r"civilians|refugees|eyewitness(?:es)?)\b", re.IGNORECASE)),
]


@dataclass
class Speaker:
    name: str | None  # fullest mention, e.g. "United Nations Special Envoy for Syria Staffan de Mistura"
    norm: str | None  # canonical name used across articles, e.g. "Staffan de Mistura"
    kind: str
    mention: str | None  # what the text says at the cue: "the statement", "he", "Damascus"
    source_kind: str  # named | anonymous | outlet | document


@dataclass
class _Known:
    name: str
    norm: str
    kind: str
    start: int
    person: bool
    head: str  # lowercase head noun ("ministry", "government", "kostel")


def _strip(text: str) -> str:
    text = _APPOSITION.sub("", text.strip())
    return _DETERMINERS.sub("", text).strip(" ,;:")


def _head_word(text: str) -> str:
    words = re.findall(r"[\w-]+", _strip(text))
    if not words:
        return ""
    # "Ministry of Foreign Affairs" -> ministry; "Kestrian Ministry" -> ministry
    for i, w in enumerate(words):
        if w.lower() == "of" and i > 0:
            return words[i - 1].lower()
    return words[-1].lower()


class SpeakerResolver:
    """Resolves source mentions of one article, in text order."""

    def __init__(self, doc, world: World, outlet: str | None = None, focus_countries: list[str] | None = None):
        self.doc = doc
        self.text = doc.text
        self.world = world
        self.outlet = outlet
        self.history: list[_Known] = []
        counts: dict[str, int] = {}
        for country in countries_in(self.text, world):
            counts[country] = counts.get(country, 0) + 1
        # The country whose government is "the government" (others are foreign states): the
        # store's focus country when it is mentioned, else the most mentioned one.
        focus = [c for c in (focus_countries or []) if c in counts]
        self.main_country = focus[0] if focus else (max(counts, key=counts.get) if counts else None)
        self.entities = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents
                         if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC")]

    # -- kinds -------------------------------------------------------------------
    def kind_of(self, text: str, person: bool = False) -> str:
        stripped = _strip(text)
        country = self.world.country_of(stripped)
        if country and (stripped.lower() == country.lower() or self.world.is_capital(stripped)):
            return "government" if country == self.main_country or self.main_country is None else "foreign_state"
        for kind, pattern in _KIND_RULES:
            if pattern.search(stripped):
                if kind in ("government", "armed_forces"):
                    foreign = [c for c in countries_in(stripped, self.world) if c != self.main_country]
                    if foreign and self.main_country:
                        return "foreign_state"
                return kind
        return "person" if person else "unknown"

    def _is_person(self, start: int, end: int) -> bool:
        return any(s < end and start < e and label == "PERSON" for s, e, label, _ in self.entities)

    def _person_name(self, start: int, end: int) -> str | None:
        names = [t for s, e, label, t in self.entities if label == "PERSON" and start <= s and e <= end]
        return max(names, key=len) if names else None

    # -- resolution ----------------------------------------------------------------
    def resolve(self, source: tuple[int, int] | None, source_kind: str, cue_start: int) -> Speaker:
        if source is None:
            return Speaker(None, None, "unknown", None, source_kind or "anonymous")
        mention = self.text[source[0]:source[1]]
        lowered = _strip(mention).lower()
        head = _head_word(mention)
        if lowered in ("he", "she", "him", "her", "they", "it", "we", "i"):
            return self._pronoun(mention, lowered, cue_start)
        if self.world.is_capital(lowered) or (lowered in ("kremlin", "white house", "pentagon")):
            return self._metonym(mention, lowered)
        is_vague = head in VAGUE_SOURCES and not re.search(r"\b[A-Z][a-z]", _strip(mention)[1:] if mention else "")
        if source_kind == "anonymous" or is_vague:
            # "reports", "sources", "a witness": nobody nameable speaks; the words stay as the mention
            return Speaker(None, None, self.kind_of(mention), mention, "anonymous")
        has_name = _has_name(_APPOSITION.sub("", mention.strip()).strip(" ,;:"))
        if head in DOCUMENT_NOUNS and not has_name:
            return self._document(mention, head)
        if not has_name:
            found = self._antecedent(lambda k: k.head == head or self._generic_match(head, k), cue_start)
            if found:
                return self._remember(Speaker(found.name, found.norm, found.kind, mention, "named"), source, found.person,
                                      head)
        person = self._is_person(*source)
        name = _strip(mention)
        norm = self._person_name(*source) if person else name
        if person and norm:
            # "Kostel" after "Major General Ivar Kostel": the fuller, earlier mention wins
            earlier = self._antecedent(lambda k: k.person and (k.norm.endswith(norm) or norm.endswith(k.norm)), cue_start)
            if earlier and len(earlier.norm) >= len(norm):
                return self._remember(Speaker(earlier.name, earlier.norm, earlier.kind, mention, "named"), source, True,
                                      head)
        else:
            earlier = self._antecedent(lambda k: not k.person and len(k.name) > len(name) and
                                       k.name.lower().endswith(name.lower()), cue_start)
            if earlier:
                return self._remember(Speaker(earlier.name, earlier.norm, earlier.kind, mention, "named"), source, False,
                                      head)
        kind = self.kind_of(mention, person)
        if person and kind in ("unknown",):
            kind = "person"
        speaker = Speaker(name, _norm(norm or name), kind, mention, "named")
        return self._remember(speaker, source, person, head)

    def _remember(self, speaker: Speaker, source: tuple[int, int], person: bool, head: str) -> Speaker:
        self.history.append(_Known(speaker.name or "", speaker.norm or "", speaker.kind, source[0], person, head))
        return speaker

    def _antecedent(self, accept, before: int) -> _Known | None:
        for known in reversed(self.history):
            if known.start < before and accept(known):
                return known
        return None

    @staticmethod
    def _generic_match(head: str, known: _Known) -> bool:
        generic = {
            "organisation": ("ngo", "international_body", "armed_group"), "organization": ("ngo", "international_body", "armed_group"),
            "group": ("ngo", "armed_group", "civilians"), "body": ("international_body", "ngo"),
            "monitor": ("ngo",), "agency": ("media", "international_body"), "inspectorate": ("international_body",),
            "mission": ("international_body",), "government": ("government",), "authorities": ("government",),
            "army": ("armed_forces",), "military": ("armed_forces",), "ministry": ("government", "foreign_state", "armed_forces"),
            "envoy": ("international_body", "person"), "spokesman": ("person", "armed_forces", "government"),
            "spokeswoman": ("person", "armed_forces", "government"), "spokesperson": ("person", "government"),
            "minister": ("person", "government", "foreign_state"), "official": ("person", "government"),
            "volunteers": ("ngo",), "rescuers": ("ngo",), "council": ("international_body", "government"),
        }
        kinds = generic.get(head)
        if not kinds:
            return False
        if known.head == head:
            return True
        return known.kind in kinds and (head in known.name.lower() or head in ("organisation", "organization", "group", "body", "monitor", "volunteers", "rescuers"))

    def _pronoun(self, mention: str, pronoun: str, cue_start: int) -> Speaker:
        if pronoun in ("he", "she", "him", "her", "i"):
            found = self._antecedent(lambda k: k.person or k.kind == "person", cue_start)
            if found is None:
                name = self._nearest_entity(cue_start, ("PERSON",))
                if name:
                    return Speaker(name, _norm(name), self.kind_of(name, True), mention, "named")
        elif pronoun == "it":
            found = self._antecedent(lambda k: not k.person and k.kind not in ("civilians", "unknown", "person"), cue_start)
        else:
            found = self._antecedent(lambda k: True, cue_start)
        if found is None:
            return Speaker(None, None, "unknown", mention, "anonymous")
        return Speaker(found.name, found.norm, found.kind, mention, "named")

    def _nearest_entity(self, before: int, labels: tuple[str, ...]) -> str | None:
        best = None
        for start, _, label, text in self.entities:
            if start < before and label in labels:
                best = text
        return best

    def _metonym(self, mention: str, lowered: str) -> Speaker:
        country = self.world.country_of(lowered)
        found = self._antecedent(lambda k: k.kind == ("government" if country == self.main_country else "foreign_state")
                                 or (k.kind == "government" and country == self.main_country), 10**9)
        if found and (country is None or country == self.main_country or country.lower() in found.name.lower()):
            return Speaker(found.name, found.norm, found.kind, mention, "named")
        name = f"{country} government" if country else _strip(mention)
        kind = "government" if country == self.main_country or self.main_country is None else "foreign_state"
        return Speaker(name, name, kind, mention, "named")

    def _document(self, mention: str, head: str) -> Speaker:
        found = self._antecedent(lambda k: k.kind not in ("civilians", "unknown") and not k.person, 10**9)
        if found:
            return Speaker(found.name, found.norm, found.kind, mention, "named")
        return Speaker(_strip(mention), None, "unknown", mention, "document")


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    name = _POSSESSIVE.sub("", _strip(name)).strip()
    return re.sub(r"\s+", " ", name) or None


def _has_name(mention: str) -> bool:
    """Whether a mention names someone: "Foreign Minister Lavrov", "Syria" yes; "the ministry" no,
    nor "The Ministry" (a determiner plus one capitalised noun is a generic reference)."""
    words = mention.split()
    if words and words[0].lower() in ("the", "this", "that"):
        if len(words) == 2:
            return False
        words = words[1:]
    return any(re.match(r"[A-Z]", w) for w in words)
