"""What act a claim performs (docs/claims.md has the taxonomy with examples).

Decided from the cue (its lemma and negation), the content (future tense, figures, attack
vocabulary, fabrication vocabulary) and who speaks. Rules, in the order they are checked:

1. denial: the cue denies (deny, dismiss, reject, refute, rebuff, "categorically denied"), or
   the content negates an attack or responsibility ("has not used", "never used", "did not
   carry out", "not a single ..."), or dismisses reports as lies or fabrications;
2. counter-accusation: blame/accuse/hold-responsible by a speaker who rejects an allegation, or
   content that says the incident was staged, fabricated or a false flag *by someone*;
3. call/demand: urge, call on/for, demand, appeal, ask;
4. commitment/offer: "ready to cooperate", pledge, promise, vow, agree to, offer, will allow;
5. warning/prediction: warn, predict, threaten, caution, "are preparing", "plan to", "will" +
   harm, "did not rule out";
6. estimate/figure: estimate, or a casualty/quantity figure is the point of the content;
7. allegation: accuse/allege/claim, or attack vocabulary with a perpetrator, by anyone else;
8. assertion of fact: everything else.

Polarity is ``negates`` for denials (the speaker negates the proposition in the content) and
``affirms`` otherwise; ``hedged`` marks "alleged", "so-called", "may", "reportedly", ...
"""

from __future__ import annotations

import re

DENY_CUES = {"deny", "dismiss", "reject", "refute", "rebuff", "dispute", "contest"}
ACCUSE_CUES = {"accuse", "blame", "charge", "hold"}
ALLEGE_CUES = {"allege", "claim", "document", "report"}
CALL_CUES = {"urge", "demand", "appeal", "ask", "call"}
COMMIT_CUES = {"pledge", "promise", "vow", "offer"}
WARN_CUES = {"warn", "predict", "threaten", "caution"}
ESTIMATE_CUES = {"estimate"}

_NEGATED_EVENT = re.compile(
    r"\b(not|never|no longer|nor)\b[^.]{0,40}\b(use[ds]?|using|possess|carr(?:y|ied) out|fire[ds]?|drop(?:ped)?|"
    r"target(?:ed)?|attack(?:ed)?|kill(?:ed)?|involved|responsib\w*|happen(?:ed)?|take place|took place)\b"
    r"|\bnot a single\b|\bno (?:chemical|gas|toxic|evidence|victims?|attack)\b", re.IGNORECASE)
DISCREDIT = re.compile(r"\b(baseless|unfounded|lies|lie|fabrications?|fabricated|fake|false|hoax|fiction|"
                        r"groundless|absurd|nonsense)\b", re.IGNORECASE)
# Staging an incident (a counter-accusation) - as opposed to lying about one (discrediting,
# an assertion): "staged the attack", "false flag", "fabricating chemical attacks", "fake attack".
STAGED = re.compile(
    r"\b(stag(?:ed|ing|e)|false[- ]flag|theatrical|performance|provocations?|filmed|brought into|play(?:ed)? out|"
    r"hoax|set up|script|(?:fabricat\w*|fake[sd]?|invent\w*)\s+(?:\w+\s+){0,2}(?:attacks?|incidents?|scenes?|massacres?))\b",
    re.IGNORECASE)
_BLAME_TARGET = re.compile(r"\b(terrorists?|militants?|rebels?|insurgents?|gangs?|mercenar\w+|sponsors?|masters|"
                           r"patrons|opposition|white helmets|orange vests|front|enemies|agents|states that|countries that|"
                           r"governments that|backers|funders)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(will|would|shall|are preparing|is preparing|prepar\w+ to|plan(?:s|ning)? to|"
                     r"intend\w* to|going to|about to|could|may soon|threaten\w*)\b", re.IGNORECASE)
_COMMIT = re.compile(r"\b(ready to|willing to|prepared to cooperate|agree[ds]? to|pledg\w+|promis\w+|commit\w* to|"
                     r"will (?:allow|grant|hand|cooperate|provide|facilitate)|offer\w* to|would continue)\b",
                     re.IGNORECASE)
_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
_FIGURE = re.compile(r"\b(\d[\d,.]*|" + _NUMBER_WORDS + r"|hundreds|thousands|dozens|scores|tens of thousands)\b[^.]{0,40}"
                     r"\b(killed|dead|died|deaths|death toll|injured|wounded|casualties|people|civilians|children|"
                     r"victims|displaced|patients|treated)\b|\bdeath toll\b", re.IGNORECASE)
_ATTACK = re.compile(r"\b(attack(?:ed|ing|s)?|bomb(?:ed|ing|s)|shell(?:ed|ing)|strikes?|struck|dropp(?:ed|ing)|gassed|"
                     r"massacred?|killed|targeted|fired|barrel bombs?|air ?raids?|"
                     r"us(?:ed|ing) (?:\w+ ){0,3}(?:gas|chlorine|sarin|chemical|toxic|nerve|weapons?))\b",
                     re.IGNORECASE)
_WEAPON = re.compile(r"\b(sarin|chlorine|mustard|nerve agents?|toxic gas|poison(?:ous)? gas|chemical weapons?|"
                     r"barrel bombs?|cluster (?:bombs?|munitions)|incendiary|white phosphorus)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(alleged(?:ly)?|so-called|self-styled|reportedly|purported(?:ly)?|suspected|may|might|"
                    r"could|possibly|probably|likely|apparently|appear(?:s|ed)? to|seem(?:s|ed)? to|"
                    r"not rule out|did not rule out|unconfirmed|unverified|claimed)\b", re.IGNORECASE)
_CALL = re.compile(r"\b(urg\w+|call(?:s|ed)? (?:on|for|upon)|demand\w*|must|should)\b", re.IGNORECASE)

STATE_SIDE = {"government", "armed_forces"}
LYING = re.compile(r"\b(?:fabricat|invent|manufactur|disseminat|spread|promot)\w*\s+(?:[\w-]+\s+){0,3}"
                    r"(?:allegations?|claims?|stories|story|news|reports?|lies|propaganda|accusations?)\b"
                    r"|\b(?:chemical|toxic)\s+(?:agents?|weapons?)\b|\bpropaganda\b", re.I)
# Actors named in a content, by side of a civil war: who is said to have done something.
_OPPOSITION = re.compile(r"\b(terrorists?|militants?|rebels?|insurgents?|armed groups?|gangs?|mercenar\w+|jihadists?|"
                         r"opposition|white helmets|orange vests|front|sponsors?|backers|masters|patrons)\b", re.I)
_STATE = re.compile(r"\b(government|army|armed forces|forces|regime|helicopters?|aircraft|air force|jets?|planes?|"
                    r"soldiers|troops|military)\b", re.I)
_HARM = re.compile(r"\b(attack\w*|bomb\w*|shell\w*|strik\w*|struck|dropp?\w*|kill\w*|gassed|"
                   r"massacre\w*|stor(?:ed|ing)|exploit\w*|fabricat\w*|invent\w*|manufactur\w*|stag\w+|"
                   r"transport\w*|smuggl\w*|rehears\w*|blew up|blow up|prevent\w*|shields?|caused|responsib\w+|"
                   r"deliberate|target\w*|releas\w*|launch\w*)\b", re.I)


def classify(cue_lemma: str | None, content: str, speaker_kind: str, negated_cue: bool = False,
             cue_text: str = "") -> tuple[str, str, bool]:
    """Returns (claim_type, polarity, hedged)."""
    lemma = (cue_lemma or "").lower()
    hedged = bool(_HEDGE.search(content) or _HEDGE.search(cue_text))
    if lemma in DENY_CUES and not negated_cue:
        return "denial", "negates", hedged
    if lemma == "describe" and re.search(r"\b(lies|fabrications?|fake|baseless|false|staged|propaganda)\b", content, re.I):
        return ("counter_accusation" if _BLAME_TARGET.search(content) else "denial"), "negates" if not _BLAME_TARGET.search(content) else "affirms", hedged
    if lemma in ACCUSE_CUES and lemma != "hold" or (lemma == "hold" and re.search(r"responsible|accountable", content)):
        if speaker_kind in STATE_SIDE | {"media", "foreign_state"} and (_BLAME_TARGET.search(content) or STAGED.search(content)):
            return "counter_accusation", "affirms", hedged
        if STAGED.search(content):
            return "counter_accusation", "affirms", hedged
        return "allegation", "affirms", hedged
    staged = STAGED.search(content) and _BLAME_TARGET.search(content)
    if staged and lemma not in WARN_CUES and not _FUTURE.search(content):
        return "counter_accusation", "affirms", hedged
    if lemma not in CALL_CUES | WARN_CUES and not _FUTURE.search(content):
        # "the army has not used ..." is a denial; "the reports are lies" too, but "terrorists
        # spread baseless allegations" discredits the accusers: an assertion about them
        if _NEGATED_EVENT.search(content) or (DISCREDIT.search(content) and not _BLAME_TARGET.search(content)):
            return "denial", "negates", hedged
    if lemma in CALL_CUES or (lemma == "ask" and " to " in content):
        return "call", "affirms", hedged
    if lemma in COMMIT_CUES or _COMMIT.search(content):
        return "commitment", "affirms", hedged
    if lemma in WARN_CUES or (lemma == "rule" and negated_cue) or "rule out" in cue_text.lower():
        return "warning", "affirms", True if "rule out" in cue_text.lower() else hedged
    if staged or (_FUTURE.search(content) and STAGED.search(content)):
        return ("warning" if _FUTURE.search(content) else "counter_accusation"), "affirms", hedged
    state_side = speaker_kind in STATE_SIDE
    # accusing the accusers of lying ("fabricating baseless allegations", "propaganda") discredits
    # them; it is not a counter-accusation about the incident
    acts = LYING.sub(" ", content)
    if _OPPOSITION.search(content) and _HARM.search(acts) and (state_side or speaker_kind in ("foreign_state", "media")) \
            and not _STATE.search(content.split(",")[0]):
        return "counter_accusation", "affirms", hedged
    if _STATE.search(content) and _ATTACK.search(content) and not state_side and speaker_kind != "foreign_state":
        return "allegation", "affirms", hedged
    if lemma in ESTIMATE_CUES or _FIGURE.search(content):
        return "estimate", "affirms", hedged
    if lemma in ALLEGE_CUES or lemma == "according to":
        if _ATTACK.search(content) or _WEAPON.search(content):
            return "allegation", "affirms", hedged
    if _ATTACK.search(content) and speaker_kind not in STATE_SIDE and re.search(
            r"\b(government|army|forces|regime|helicopters?|aircraft|planes?|jets?|troops|air force)\b", content, re.I):
        return "allegation", "affirms", hedged
    if _CALL.search(content) and lemma in ("say", "add", "state"):
        if re.search(r"\b(must|should)\b", content, re.I) and not _FIGURE.search(content):
            return "call", "affirms", hedged
    return "assertion", "affirms", hedged
