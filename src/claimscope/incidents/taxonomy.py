"""The incident taxonomy: event types, weapons/agents and how they map onto ACLED and FA-KES.

docs/incidents.md documents every type with examples. Event types follow ACLED's
sub-event types (one key each), plus ``explosion`` (a blast whose means is not stated),
``execution`` (ACLED codes it as an Attack; kept apart because sources and FA-KES treat it
so) and ``unspecified`` (people reported killed or hurt by means the article does not say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    key: str
    label: str
    acled_event_type: str
    acled_sub_event_type: str
    fakes_cause: str  # FA-KES cause_of_death class
    family: str  # explosive | chemical | ground | civilian | strategic | demonstration | unknown
    specificity: int  # merging keeps the more specific type of two compatible ones


_E = "Explosions/Remote violence"
_B = "Battles"
_V = "Violence against civilians"
_S = "Strategic developments"

EVENT_TYPES: dict[str, EventType] = {t.key: t for t in [
    EventType("chemical_weapon", "Chemical weapon", _E, "Chemical weapon", "chemical and toxic gases", "chemical", 100),
    EventType("suicide_bomb", "Suicide bomb", _E, "Suicide bomb", "explosion", "explosive", 90),
    EventType("air_strike", "Air/drone strike", _E, "Air/drone strike", "shelling", "explosive", 80),
    EventType("shelling", "Shelling/artillery/missile attack", _E, "Shelling/artillery/missile attack", "shelling",
              "explosive", 70),
    EventType("remote_explosive", "Remote explosive/landmine/IED", _E, "Remote explosive/landmine/IED", "explosion",
              "explosive", 75),
    EventType("grenade", "Grenade", _E, "Grenade", "explosion", "explosive", 72),
    EventType("explosion", "Explosion (means not stated)", _E, "Remote explosive/landmine/IED", "explosion",
              "explosive", 40),
    EventType("execution", "Execution", _V, "Attack", "execution", "civilian", 85),
    EventType("attack", "Attack on civilians", _V, "Attack", "unknown", "civilian", 50),
    EventType("sexual_violence", "Sexual violence", _V, "Sexual violence", "unknown", "civilian", 85),
    EventType("abduction", "Abduction/forced disappearance", _V, "Abduction/forced disappearance", "unknown",
              "civilian", 85),
    EventType("armed_clash", "Armed clash", _B, "Armed clash", "unknown", "ground", 60),
    EventType("government_regains_territory", "Government regains territory", _B, "Government regains territory",
              "unknown", "ground", 65),
    EventType("non_state_overtakes_territory", "Non-state actor overtakes territory", _B,
              "Non-state actor overtakes territory", "unknown", "ground", 65),
    EventType("arrest", "Arrests", _S, "Arrests", "unknown", "strategic", 80),
    EventType("looting", "Looting/property destruction", _S, "Looting/property destruction", "unknown", "strategic", 70),
    EventType("disrupted_weapons_use", "Disrupted weapons use", _S, "Disrupted weapons use", "unknown", "strategic", 70),
    EventType("protest", "Protest", "Protests", "Peaceful protest", "unknown", "demonstration", 60),
    EventType("riot", "Riot", "Riots", "Violent demonstration", "unknown", "demonstration", 60),
    EventType("unspecified", "Violence, means not stated", _S, "Other", "unknown", "unknown", 10),
]}

FAKES_CAUSES = ("shelling", "explosion", "chemical and toxic gases", "shooting", "execution", "unknown")


def event_type(key: str) -> EventType:
    try:
        return EVENT_TYPES[key]
    except KeyError:
        raise KeyError(f"unknown incident event type {key!r}; known: {', '.join(EVENT_TYPES)}") from None


def acled_types(key: str) -> tuple[str, str]:
    """(ACLED event_type, ACLED sub_event_type) for a claimscope event type."""
    t = event_type(key)
    return t.acled_event_type, t.acled_sub_event_type


def fakes_cause(key: str | None, delivery: str | None = None, agent: str | None = None) -> str:
    """The FA-KES cause-of-death class of an event type (``unknown`` when there is no incident).

    Battles and attacks on people say who fought, not how people died: they are "unknown" unless
    the text names gunfire (agent ``firearms``: "sniper fire", "gun battles", "shot dead"), which
    makes any incident that is not an explosion or a chemical attack "shooting"."""
    if not key:
        return "unknown"
    info = event_type(key)
    if agent == "firearms" and info.family in ("ground", "civilian", "unknown") and info.fakes_cause != "execution":
        return "shooting"
    return info.fakes_cause


def compatible(a: str, b: str) -> bool:
    """Can two trigger types describe the same incident? ("explosion" and "air strike" can:
    every strike explodes; a chemical attack is often delivered by air or rocket.)"""
    if a == b or "unspecified" in (a, b):
        return True
    fa, fb = EVENT_TYPES[a].family, EVENT_TYPES[b].family
    if {a, b} & {"chemical_weapon"}:
        other = b if a == "chemical_weapon" else a
        return other in ("air_strike", "shelling", "explosion", "attack", "remote_explosive")
    if fa == fb == "explosive":
        return "explosion" in (a, b) or {a, b} <= {"air_strike", "shelling"}
    if fa == fb == "ground":
        return True
    if {a, b} == {"attack", "armed_clash"} or {a, b} == {"attack", "execution"}:
        return True
    if "attack" in (a, b):  # "the attack" names any violent incident
        return (fa if b == "attack" else fb) in ("explosive", "chemical", "civilian", "ground")
    return False


def more_specific(a: str, b: str) -> str:
    return a if EVENT_TYPES[a].specificity >= EVENT_TYPES[b].specificity else b


# ---------------------------------------------------------------------------------------------
# weapons and agents: canonical name, implied event type, delivery, regex

@dataclass(frozen=True)
class Agent:
    name: str
    event_type: str
    delivery: str | None
    rank: int  # a more specific agent replaces a vaguer one in the same incident
    pattern: re.Pattern


def _agent(name: str, etype: str, delivery: str | None, rank: int, pattern: str) -> Agent:
    return Agent(name, etype, delivery, rank, re.compile(r"\b(?:" + pattern + r")\b", re.I))


AGENTS: list[Agent] = [
    _agent("sarin", "chemical_weapon", None, 90, r"sarin"),
    _agent("VX", "chemical_weapon", None, 90, r"VX(?:[- ]gas)?"),
    _agent("mustard gas", "chemical_weapon", None, 90, r"mustard(?:[- ]gas| agent)?|sulfur mustard|sulphur mustard"),
    _agent("chlorine", "chemical_weapon", None, 85, r"chlorine(?:[- ]gas)?"),
    _agent("phosgene", "chemical_weapon", None, 85, r"phosgene"),
    _agent("nerve agent", "chemical_weapon", None, 70, r"nerve[- ]agents?|nerve[- ]gas"),
    _agent("choking agent", "chemical_weapon", None, 60, r"choking agents?"),
    _agent("toxic gas", "chemical_weapon", None, 30,
           r"(?:toxic|poison|poisonous|noxious|chemical)[- ]gas(?:es)?|toxic (?:substances?|chemicals?|agents?)|"
           r"chemical (?:agents?|substances?|munitions?|weapons?)|poison gas"),
    _agent("white phosphorus", "shelling", None, 70, r"white phosphorus|phosphorus (?:bombs?|munitions?|shells?)"),
    _agent("incendiary weapon", "air_strike", None, 60, r"incendiary (?:bombs?|weapons?|munitions?)|napalm"),
    _agent("cluster munition", "air_strike", None, 65, r"cluster (?:bombs?|munitions?|rockets?)"),
    _agent("thermobaric bomb", "air_strike", None, 65, r"thermobaric (?:bombs?|weapons?)|vacuum bombs?"),
    _agent("barrel bomb", "air_strike", "helicopter", 75, r"barrel[- ]bombs?|barrels? (?:bombs?|packed|filled|fitted|containing)"
           r"|explosive[- ]barrels?"),
    _agent("car bomb", "remote_explosive", "car_bomb", 75, r"car[- ]bombs?|car bombings?|booby[- ]trapped (?:car|vehicle)s?"
           r"|truck[- ]bombs?|vehicle[- ]borne"),
    _agent("IED", "remote_explosive", "ied", 70, r"IEDs?|improvised explosive devices?|roadside bombs?|explosive devices?"),
    _agent("landmine", "remote_explosive", "landmine", 70, r"land ?mines?|anti-personnel mines?"),
    _agent("suicide vest", "suicide_bomb", "suicide_vest", 70, r"suicide (?:vests?|belts?)|explosive belts?"),
    _agent("mortar", "shelling", "mortar", 60, r"mortars?(?: shells?| rounds?| bombs?)?"),
    _agent("rocket", "shelling", "rocket", 50, r"rockets?|grad rockets?|katyusha"),
    _agent("missile", "shelling", "missile", 55, r"(?:cruise |ballistic |guided |surface-to-surface |tomahawk )?missiles?"),
    _agent("artillery", "shelling", "artillery", 50, r"artillery(?: shells?| fire)?|howitzers?|tank (?:shells?|fire)"),
    _agent("grenade", "grenade", None, 60, r"(?:hand )?grenades?"),
    _agent("firearms", "attack", "gunfire", 40, r"sniper(?: fire)?|gunfire|bullets?|machine[- ]guns?|rifles?|"
           r"gun ?battles?|firefights?|shoot-?outs?|exchanges? of fire|shot (?:dead|and killed)|gunned down|"
           r"opened fire"),
]


# ---------------------------------------------------------------------------------------------
# triggers: words that report an incident of some type

@dataclass(frozen=True)
class TriggerRule:
    event_type: str
    strength: str  # strong: names an incident; weak: only with a place, date or figure nearby
    pattern: re.Pattern
    delivery: str | None = None
    stance: str | None = None  # a trigger that carries its own stance ("staged" -> denied)


def _rule(etype: str, pattern: str, strength: str = "strong", delivery: str | None = None,
          stance: str | None = None, flags: int = re.I) -> TriggerRule:
    return TriggerRule(etype, strength, re.compile(r"\b(?:" + pattern + r")\b", flags), delivery, stance)


_CHEM = (r"chemical|chlorine|sarin|gas|toxic[- ]gas|poison(?:ous)?[- ]gas|nerve[- ]agent|mustard(?:[- ]gas)?|"
         r"toxic|poison")
TRIGGER_RULES: list[TriggerRule] = [
    # chemical weapons
    _rule("chemical_weapon", r"(?:" + _CHEM + r")[- ](?:weapons? )?(?:attacks?|strikes?|assaults?|bombings?|massacres?|"
          r"incidents?|shelling|raids?)"),
    _rule("chemical_weapon", r"gass(?:ed|ing)|gas(?:ses)? (?:its|their) own"),
    _rule("chemical_weapon", r"(?:use[ds]?|using|dropp(?:ed|ing)|fir(?:ed|ing)|launch(?:ed|ing)|deploy(?:ed|ing))"
          r"(?: \w+){0,4}? (?:" + _CHEM + r")(?:[- ](?:gas|weapons?|agents?|substances?|munitions?|bombs?|cylinders?))?"),
    _rule("chemical_weapon", r"(?:chlorine|sarin|toxic (?:gas|chemicals?|substances?)|poison(?:ous)? gas|nerve agents?|"
          r"mustard gas|chemical weapons?|chemicals?|chemical munitions?)(?:[- ](?:gas|bombs?|barrels?|cylinders?))?"
          r" (?:\w+ ){0,3}?(?:(?:was|were|had been|has been|have been|being|been) )(?:dropped|used|fired|released|deployed)|"
          r"used as (?:a )?weapons?"),
    _rule("chemical_weapon", r"gasp(?:ing|ed) for (?:air|breath)|gasping|choking on|suffocat(?:ed|ing|ion)|"
          r"foaming at the mouth", strength="weak"),
    _rule("chemical_weapon", r"(?:bombs?|barrels?|shells?|rockets?|munitions?|cylinders?|canisters?) (?:\w+ ){0,2}"
          r"(?:with|containing|filled with|loaded with|carrying) (?:\w+ ){0,1}(?:" + _CHEM + r")"),
    # suicide bombings
    _rule("suicide_bomb", r"suicide (?:bomb(?:er|ing)?s?|attack(?:er)?s?|car[- ]bomb(?:ing)?s?|blasts?|"
          r"explosions?|truck[- ]bomb(?:ing)?s?)|blew (?:himself|herself|themselves) up"),
    # air / drone strikes
    _rule("air_strike", r"drone[- ]strikes?|drone attacks?|(?:air|aerial)[- ]?(?:strikes?|raids?|attacks?|bombardments?|"
          r"bombings?|campaign)|airstrikes?|airstrike|bombing raids?|air bombardment", delivery="aircraft"),
    _rule("air_strike", r"barrel[- ]bomb(?:s|ing|ings)?(?: attacks?)?|explosive barrels?", delivery="helicopter"),
    _rule("air_strike", r"(?:helicopters?|warplanes?|war planes?|jets?|aircraft|planes?|fighter jets?|bombers?|drones?)"
          r" (?:\w+ ){0,3}?(?:dropp(?:ed|ing)|bomb(?:ed|ing)|strik(?:es?|ing)|struck|hit|target(?:ed|ing)|"
          r"pound(?:ed|ing)|rain(?:ed|ing)|fir(?:ed|ing)|launch(?:ed|ing)|carri(?:ed|es) out|attack(?:ed|ing)|"
          r"kill(?:ed|ing)?)", delivery="aircraft"),
    _rule("air_strike", r"(?:russian|syrian|regime|government|coalition|us-led|u\.s\.-led|israeli|turkish|american|"
          r"french|british) (?:air ?)?(?:strikes?|raids?|bombings?|bombardment)", delivery="aircraft"),
    _rule("air_strike", r"(?:strikes?|raids?)", strength="weak", delivery="aircraft"),
    # shelling, rockets, missiles
    _rule("shelling", r"shell(?:ing|ed|s)|artillery (?:fire|shells?|barrages?|bombardments?|attacks?)|"
          r"mortar (?:shells?|rounds?|fire|attacks?|bombs?)|rocket (?:attacks?|fire|barrages?|strikes?)|"
          r"missile (?:strikes?|attacks?)|rockets? (?:fell|hit|landed|struck|slammed)|bombard(?:ed|ment)|"
          r"pound(?:ed|ing)"),
    _rule("shelling", r"(?:fired|launched|lobbed) (?:\w+ ){0,3}?(?:rockets?|missiles?|mortars?|shells?|projectiles?)"),
    # explosives
    _rule("remote_explosive", r"car[- ]bomb(?:s|ing|ings)?|truck[- ]bomb(?:s|ing|ings)?|roadside bombs?|"
          r"improvised explosive devices?|IEDs?|explosive devices?|land ?mines?|booby[- ]trap(?:ped|s)?"),
    _rule("explosion", r"explosions?|blasts?|explod(?:ed|es|ing)|detonat(?:ed|ion|ing)|bomb (?:attacks?|blasts?)|"
          r"bombings?|bomb went off|bomb exploded|blew up"),
    _rule("grenade", r"(?:threw|hurled|lobbed) (?:a |hand )?grenades?|grenade attacks?"),
    # violence against civilians
    _rule("execution", r"execut(?:ed|ion|ions|es|ing)|behead(?:ed|ing|ings|s)|summary killings?"),
    _rule("attack", r"massacre[ds]?|shot (?:dead|and killed)|gunned down|opened fire on|sniper (?:fire|shot|killed)|"
          r"stabbed|attacks? (?:on|against) civilians|targeted civilians"),
    _rule("sexual_violence", r"rap(?:ed|es|ing)|sexual (?:violence|assault|abuse)"),
    _rule("abduction", r"kidnapp(?:ed|ing|ings)|abduct(?:ed|ion|ions|ing)|taken hostage|forcibly disappeared"),
    # battles
    _rule("government_regains_territory", r"(?:retook|recaptured|regained|liberated|retaken|recapture[ds]?|"
          r"restored (?:security|control)|regained control)"),
    _rule("armed_clash", r"clash(?:es|ed)?|fierce fighting|heavy fighting|fighting|gun ?battles?|firefights?|battles?|"
          r"ambush(?:ed|es)?|stormed|offensive|pushed into|broke into|break into|fought|foiled (?:an? )?attacks?|"
          r"repelled (?:an? )?attacks?|counter-?attacks?|ground (?:assault|operation)s?|advanced on|"
          r"attack(?:ed)? (?:\w+ ){0,3}(?:positions?|posts?|checkpoints?|bases?|barracks)"),
    _rule("armed_clash", r"inflict(?:ed|ing) (?:\w+ )?(?:losses|casualties)", strength="weak"),
    _rule("non_state_overtakes_territory", r"overran|overrun|(?:seized|captured|took) control"),
    # strategic developments and demonstrations
    _rule("arrest", r"arrest(?:ed|s)?|detain(?:ed|ing)|rounded up"),
    _rule("looting", r"loot(?:ed|ing)|torched|set (?:on )?fire to|burn(?:ed|t) down|demolish(?:ed|ing)"),
    _rule("disrupted_weapons_use", r"defus(?:ed|ing)|dismantl(?:ed|ing) (?:\w+ ){0,2}(?:bombs?|explosives?|devices?|mines?)|"
          r"intercept(?:ed|ing) (?:\w+ ){0,2}(?:missiles?|rockets?|drones?)|shot down (?:\w+ ){0,2}(?:missiles?|rockets?|drones?)"),
    _rule("protest", r"protests?|protesters|protestors|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies|ied)|sit-ins?"),
    _rule("riot", r"riots?|rioters|rioting"),
    # bare words: an incident only with a place, date or casualty figure in the same clause
    _rule("attack", r"attacks?|assaults?|strikes?|raids?|incidents?|atrocit(?:y|ies)", strength="weak"),
    _rule("unspecified", r"killed|killing|kills|dead|died|deaths?|death toll|casualties|lost their lives|"
          r"wounded|injured|hurt|victims", strength="weak"),
    # dismissive words: an incident said not to have happened as told
    _rule("unspecified", r"(?:was|were|been|being|is|are|:)\s+(?:\w+ ){0,2}?staged|staged (?:attacks?|incidents?|"
          r"provocations?|scenes?)|fabricated (?:attacks?|incidents?|massacres?|stories|story)|"
          r"lies about|fake (?:attacks?|bombings?|massacres?|victims)|never happened|fairy[- ]tales?|"
          r"(?:" + _CHEM + r") (?:stories|story|show|theatre|theater|hoax|fabrications?|claims)", strength="weak",
          stance="denied"),
]

# Nouns that refer back to an incident already told ("the attack", "that assault").
ANAPHORIC_NOUNS = frozenset({
    "attack", "attacks", "assault", "strike", "strikes", "raid", "incident", "massacre", "bombing", "blast",
    "explosion", "shelling", "tragedy", "atrocity", "crime", "event",
})

# Groups named in casualty figures and the group each means.
GROUP_WORDS = {
    "civilians": "civilians", "civilian": "civilians", "children": "children", "child": "children", "kids": "children",
    "minors": "children", "boys": "children", "girls": "children", "infants": "children", "babies": "children",
    "women": "women", "woman": "women", "fighters": "fighters", "soldiers": "fighters", "troops": "fighters",
    "militants": "fighters", "terrorists": "fighters", "rebels": "fighters", "jihadists": "fighters",
    "gunmen": "fighters", "insurgents": "fighters", "militiamen": "fighters", "members": "fighters",
    "servicemen": "fighters", "personnel": "fighters", "officers": "fighters", "policemen": "fighters",
    "guards": "fighters", "combatants": "fighters", "mercenaries": "fighters", "fighter": "fighters",
    "soldier": "fighters", "militant": "fighters", "terrorist": "fighters", "commander": "fighters",
    "commanders": "fighters", "recruits": "fighters", "elements": "fighters", "troopers": "fighters",
    # civilians by what they do: rescue and medical workers, reporters, pupils
    "rescuers": "civilians", "volunteers": "civilians", "medics": "civilians", "paramedics": "civilians",
    "doctors": "civilians", "nurses": "civilians", "journalists": "civilians", "students": "civilians",
    "pupils": "civilians", "schoolchildren": "children", "teachers": "civilians", "shoppers": "civilians",
    "farmers": "civilians", "workers": "all",
    "forces": "fighters", "loyalists": "fighters", "attackers": "fighters", "jihadis": "fighters",
    "defenders": "fighters", "bombers": "fighters",
}
