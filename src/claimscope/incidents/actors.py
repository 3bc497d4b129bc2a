"""Who: perpetrators and targets named around an incident, normalised to an entity and a kind.

A small lexicon names the recurring parties of a civil war: the state's own forces (resolved
against the article's focus country, so "government forces" in a Syria article are the Syrian
government's), foreign states, the coalition, jihadist and rebel groups, Kurdish-led forces;
named armed groups of any conflict ("... Front", "... Brigades", "... Vests") are taken from the
text. ``find_actors`` reports each with its span and a role guess (perpetrator / target / None)
from the words around it ("by X", "X dropped", "X helicopters", "against X").

``fakes_actor`` maps a normalised actor onto the 7 FA-KES actor classes (bench only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.model import ActorKind


@dataclass(frozen=True)
class ActorHit:
    start: int
    end: int
    text: str
    name: str  # normalised entity
    kind: str  # ActorKind value
    role: str | None  # perpetrator | target | None
    fakes: str  # FA-KES actor class


_MEANS = (r"(?:forces|troops|soldiers|army|military|warplanes|war planes|jets|fighter jets|aircraft|air force|planes|"
          r"helicopters?|gunships|bombers|drones?|artillery|tanks|militias?|air ?strikes?|raids?|shelling|"
          r"bombardment|missiles?|rockets?|snipers?|units|regime|government|navy|gunboats|batteries|barrel bombs?)")

# (pattern, normalised name or None to derive, kind, FA-KES class); earlier entries win on overlap.
_LEXICON: list[tuple[re.Pattern, str | None, str, str]] = [(re.compile(p, f), n, k, c) for p, n, k, c, f in [
    (r"\b(?:U\.?S\.?|American|Washington)[- ]led (?:international |military |anti-(?:IS|ISIS|ISIL|Daesh) )?coalition\b|"
     r"\b(?:international|anti-(?:IS|ISIS|ISIL|Daesh|terror(?:ism)?)|western|US) coalition\b|"
     r"\bcoalition (?:forces|warplanes|jets|aircraft|air ?strikes?|planes|raids?|bombing)\b|\bthe coalition\b",
     "US-led coalition", ActorKind.COALITION.value, "international coalition forces", re.I),
    (r"\b(?:the )?Islamic State(?: group| militants| fighters| jihadists)?\b|\bISIS\b|\bISIL\b|\bIS (?:militants|fighters|"
     r"group|jihadists|terrorists|suicide)\b|\bDaesh\b|\bDaish\b",
     "Islamic State", ActorKind.ARMED_GROUP.value,
     "the organization of the islamic state in iraq and the levant - isis", 0),
    (r"\b(?:Jabhat )?(?:al-|al )?Nusra(?: Front)?\b|\b(?:Jabhat )?Fateh al-Sham\b|\bFatah al-Sham\b|"
     r"\bHay(?:'|a)?at Tahrir al[- ]Sham\b|\bHTS\b|\bTahrir al-Sham\b",
     "al-Nusra Front / HTS", ActorKind.ARMED_GROUP.value, "al-nusra front", re.I),
    (r"\bSyrian Democratic Forces\b|\bSDF\b|\bYPG\b|\bPYD\b|\bKurdish(?:-led)? (?:forces|fighters|militias?|units|"
     r"People's Protection Units|YPG)\b|\bPeople's Protection Units\b|\bAsayish\b|\bself[- ]administration forces\b",
     "SDF / Kurdish forces", ActorKind.ARMED_GROUP.value, "self administration forces", re.I),
    (r"\bHezbollah\b|\bHizbollah\b|\b(?:Iranian|Iran)(?:-backed)? (?:forces|militias?|fighters)\b|"
     r"\bpro-(?:government|regime|Assad) (?:militias?|forces|fighters|gunmen)\b|\bshabiha\b|\bNational Defen[cs]e Forces\b",
     "pro-government militias", ActorKind.ARMED_GROUP.value, "syrian government or russian troops", re.I),
    (r"\bRussian (?:and Syrian |and regime |and government )?" + _MEANS + r"\b|\bRussia(?:n)?(?:'s)? (?:air force|"
     r"military|army)\b|\bMoscow\b(?= (?:struck|bombed|launched))",
     "Russian forces", ActorKind.FOREIGN_STATE.value, "syrian government or russian troops", re.I),
    (r"\b(?:U\.?S\.?|American|United States) (?:cruise |ballistic |Tomahawk |naval |military )?" + _MEANS +
     r"\b|\bTomahawk missiles?\b",
     "US forces", ActorKind.FOREIGN_STATE.value, "international coalition forces", 0),
    (r"\b(?:Turkish|Israeli|Iraqi|Jordanian|French|British) " + _MEANS + r"\b",
     None, ActorKind.FOREIGN_STATE.value, "unknown", 0),
    (r"\b(?:Free Syrian Army|FSA|Jaish al-Islam|Jaysh al-Islam|Ahrar al-Sham|Faylaq al-Rahman|Faylaq al-Sham|"
     r"Jaish al-Fatah|Jaysh al-Fatah|Nour al-Din al-Zenki|Army of Islam)\b",
     "armed opposition groups", ActorKind.ARMED_GROUP.value, "armed opposition groups", 0),
    (r"\b(?:armed |Syrian |Islamist |moderate |Western-backed |US-backed |Turkish-backed |foreign-backed )?"
     r"(?:opposition|rebel)(?: groups?| fighters| forces| factions| militants| militias?| brigades| positions)?\b|"
     r"\brebels\b|\binsurgents\b",
     "armed opposition groups", ActorKind.ARMED_GROUP.value, "armed opposition groups", re.I),
    # words for any armed group, whoever it is: "terrorists" in state media, "militants", "gunmen"
    (r"\b(?:foreign-backed |armed )?(?:jihadists?|militants?|gunmen|terrorists?(?: groups?| organi[sz]ations?| gangs?)?|"
     r"armed groups?|extremists)\b",
     "armed groups", ActorKind.ARMED_GROUP.value, "unknown", re.I),
    # the state's own forces: "government forces", "regime helicopters", "the Syrian army"
    (r"\b(?:(?P<dem>[A-Z][a-z]+(?:ian|an|ese|ish|i))(?:'s)? (?:Arab )?(?:government |regime |state |air force |army )?"
     + _MEANS + r"|(?:government|regime|pro-government|loyalist|Assad|state|army)(?:'s)? " + _MEANS +
     r"|the (?:regime|army|military|government)|regime|Assad)\b",
     None, ActorKind.ARMED_FORCES.value, "syrian government or russian troops", 0),
    # named armed groups of any conflict
    (r"\b(?:the )?(?P<named>(?:[A-Z][a-z]+ ){1,3}(?:Front|Brigades?|Battalions?|Legion|Vests|Helmets|Movement|Corps|"
     r"Militia|Army))\b",
     None, ActorKind.ARMED_GROUP.value, "armed opposition groups", 0),
]]

_NOT_ACTOR = re.compile(r"^(?:the )?(?:Syrian Arab Army|Red Army)$")
_AGENT_VERBS = (r"(?:dropp|fir|shell|struck|strik|hit|launch|carri|bomb|target|attack|kill|pound|us|execut|detonat|"
                r"storm|raid|seiz|captur|shot|gass|massacr|kidnapp|abduct|arrest|deploy|rain|lob|besieg|torture|"
                r"behead|blew|plant|set off|was behind|were behind|responsible|claimed|prepar|plan|stag|fabricat|plot)")
_PERP_AFTER = re.compile(r"^(?:'s)?(?:\s+(?!den(?:y|ied|ies)|reject|dismiss|said|says|say\b|blam|accus)(?:\w+(?:ly)?|had|have|has|were|"
                         r"was|reportedly|allegedly|also|then|again)){0,3}?\s*"
                         + _AGENT_VERBS + r"\w*", re.I)
# "government soldiers were killed", "rebels have been wounded": the actor suffered the attack
_TARGET_AFTER = re.compile(r"^(?:'s)?(?:\s+(?:\w+ly|also|reportedly|allegedly|all|both)){0,2}\s+(?:were|was|have been|has been|"
                           r"had been|are|is|being|got)\s+(?:\w+ly\s+)?(?:killed|wounded|injured|hit|targeted|struck|"
                           r"attacked|executed|massacred|slaughtered|shelled|bombed|besieged|ambushed|captured|"
                           r"kidnapped|abducted|hurt|dead)\b", re.I)
# "killed in clashes with regime troops", "fighting between government forces and rebels": a
# battle's first named party stands for who did the killing (a battle has no single perpetrator).
_PERP_BEFORE = re.compile(r"(?:\bby(?: the)?|\baccus\w+(?: the)?|\bblam\w+(?: the)?|\bcarried out by|\bfrom|"
                          r"\b(?:clash(?:es|ed)?|fighting|fought|battles?|battling|firefights?|gun ?battles?)\s+"
                          r"(?:with|between|against)(?: the)?)\s+$", re.I)
_HOLDER_BEFORE = re.compile(r"\b(?:held|controlled|run|occupied|ruled|dominated|administered|besieged|"
                            r"surrounded|encircled)\s+by(?: the)?(?: \w+(?:'s|’s|s))?\s+$", re.I)
_HELD_AFTER = re.compile(r"^-(?:held|controlled|run|besieged|dominated)\b", re.I)
_TARGET_BEFORE = re.compile(r"(?:\bagainst|\bon|\btargeting|\btargeted|\bat|\bkill\w*|\bwound\w*|\bhit)(?: the)?\s+$", re.I)
_ATTACK_NOUN_AFTER = re.compile(r"^(?:'s)?\s+(?:air ?strikes?|raids?|shelling|bombardment|bombing|attacks?|assault|"
                                r"offensive|helicopters?|warplanes|jets|aircraft|artillery|rockets?|missiles?)\b", re.I)

CIVILIAN_TARGETS = re.compile(r"\b(?:civilians?|residents|children|women|families|villagers|worshippers|patients|"
                              r"market|bakery|hospital|school|mosque|neighbou?rhood|residential|homes?|camp|"
                              r"displaced|refugees|shelters?|convoy|buses|aid workers|rescuers?)\b", re.I)


def find_actors(text: str, start: int, end: int, focus: str | None = None, country_of=None) -> list[ActorHit]:
    """Actor mentions in ``text[start:end]`` with a role guess; ``focus`` is the article's focus
    country name (e.g. "Syria") and ``country_of`` maps a demonym to a country name."""
    segment = text[start:end]
    taken: list[tuple[int, int]] = []
    out: list[ActorHit] = []
    for pattern, name, kind, fakes in _LEXICON:
        for m in pattern.finditer(segment):
            a, b = m.start() + start, m.end() + start
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            surface = m.group(0)
            hit_name, hit_kind, hit_fakes = name, kind, fakes
            groups = m.groupdict()
            if groups.get("named") is not None:
                if _NOT_ACTOR.match(surface) or re.match(r"(?:The|A|An|In|On|At)\b", groups["named"]):
                    continue
                hit_name = groups["named"]
                if re.search(r"Army$", hit_name) and country_of and country_of(hit_name.split()[0]):
                    continue  # "Syrian Army" is a state's army, handled by the state pattern
            elif kind == ActorKind.ARMED_FORCES.value:
                dem = groups.get("dem")
                country = country_of(dem) if (dem and country_of) else None
                if dem and not country:
                    continue  # "Civil Defence forces", "Special forces": not a state
                if country and focus and country.lower() != focus.lower():
                    if country.lower() == "russia":
                        hit_name, hit_kind, hit_fakes = "Russian forces", ActorKind.FOREIGN_STATE.value, \
                            "syrian government or russian troops"
                    else:
                        hit_name, hit_kind, hit_fakes = f"{country} forces", ActorKind.FOREIGN_STATE.value, "unknown"
                elif country:
                    hit_name = f"government forces ({country})"
                else:
                    hit_name = f"government forces ({focus})" if focus else "government forces"
            elif hit_name is None:
                word = surface.split()[0]
                country = country_of(word) if country_of else None
                hit_name = f"{country or word} forces"
            role = _role(text, a, b)
            taken.append((a, b))
            out.append(ActorHit(a, b, surface, hit_name, hit_kind, role, hit_fakes))
    out.sort(key=lambda h: h.start)
    return out


def _role(text: str, a: int, b: int) -> str | None:
    before = text[max(0, a - 30):a]
    after = text[b:b + 60]
    if _HOLDER_BEFORE.search(before) or _HELD_AFTER.match(after):
        return "target"  # "air strikes on a town held by Daesh": who holds the place is struck, not striking
    if _PERP_BEFORE.search(before):
        return "perpetrator"
    if _TARGET_BEFORE.search(before):
        return "target"
    if _TARGET_AFTER.match(after):
        return "target"
    if _PERP_AFTER.match(after) or _ATTACK_NOUN_AFTER.match(after):
        return "perpetrator"
    surface = text[a:b].lower()
    if re.search(r"warplanes|war planes|jets|aircraft|helicopter|bombers|drones?|artillery|air ?strikes?|raids?|"
                 r"shelling|bombardment|missiles?|rockets?|barrel", surface):
        return "perpetrator"
    return None


def fakes_actor(name: str | None) -> str:
    """The FA-KES actor class of a normalised perpetrator name ("unknown" when none)."""
    if not name:
        return "unknown"
    for _, lex_name, _, fakes in _LEXICON:
        if lex_name == name:
            return fakes
    lowered = name.lower()
    if "government forces" in lowered or lowered == "russian forces":
        return "syrian government or russian troops"
    if lowered in ("us forces", "us-led coalition"):
        return "international coalition forces"
    return "unknown"
