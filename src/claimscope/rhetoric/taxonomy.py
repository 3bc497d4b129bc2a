"""The 23 persuasion techniques of SemEval-2023 Task 3 and CheckThat! 2024 Task 3, in 6 groups.

Labels are the exact strings of the shared-task data; groups follow the SemEval-2023
Task 3 paper (Piskorski et al., 2023). Definitions and examples are our own, written for
fact-checkers: the examples are invented and name invented places and groups.

The English training data annotates only 19 of the 23 techniques; the four marked
``in_english_data=False`` (Questioning_the_Reputation, Appeal_to_Values,
Consequential_Oversimplification, Appeal_to_Time) were annotated in the other languages
only, so no English-trained detector can be measured on them.

``docs/techniques.md`` is generated from this module by :func:`render_markdown`
(``python -m claimscope.rhetoric techniques-doc > docs/techniques.md``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    label: str  # exact label string of the shared-task data
    name: str  # human-readable name
    group: str
    definition: str
    example: str  # invented
    in_english_data: bool = True


ATTACK_ON_REPUTATION = "Attack on reputation"
JUSTIFICATION = "Justification"
SIMPLIFICATION = "Simplification"
DISTRACTION = "Distraction"
CALL = "Call"
MANIPULATIVE_WORDING = "Manipulative wording"

GROUPS: tuple[str, ...] = (
    ATTACK_ON_REPUTATION,
    JUSTIFICATION,
    SIMPLIFICATION,
    DISTRACTION,
    CALL,
    MANIPULATIVE_WORDING,
)

GROUP_DESCRIPTIONS: dict[str, str] = {
    ATTACK_ON_REPUTATION: "Undermine the person or group making a claim instead of the claim itself.",
    JUSTIFICATION: "Support a claim with something other than evidence for it: authority, numbers, pride, fear, values.",
    SIMPLIFICATION: "Reduce a complicated situation to one cause, one consequence chain or two options.",
    DISTRACTION: "Move attention away from the question actually raised.",
    CALL: "Push the reader to act or to stop thinking, with a ready-made phrase or a deadline.",
    MANIPULATIVE_WORDING: "Word choice that works on emotion or blurs meaning rather than informing.",
}

TECHNIQUES: tuple[Technique, ...] = (
    # --- Attack on reputation
    Technique(
        "Name_Calling-Labeling", "Name calling or labelling", ATTACK_ON_REPUTATION,
        "Attaches a label to a person or group so the audience judges them by the label, "
        "not by what they did or said. Labels can be insulting (\"thugs\", \"puppets\") or "
        "flattering (\"heroes\"). Check whether the text gives evidence for the label.",
        "The so-called relief committee is nothing but a band of smugglers.",
    ),
    Technique(
        "Guilt_by_Association", "Guilt by association", ATTACK_ON_REPUTATION,
        "Discredits a person, group or idea by linking it to someone or something the "
        "audience already despises. The link itself replaces any argument about the "
        "merits.",
        "The observers' proposal is exactly what the old junta wanted, so it must be rejected.",
    ),
    Technique(
        "Doubt", "Casting doubt", ATTACK_ON_REPUTATION,
        "Questions the credibility of a person, organisation or claim without giving "
        "evidence that it is wrong. Often phrased as an insinuating question, or by "
        "calling a claim \"unfounded\" or putting it in scare quotes.",
        "Can anyone really trust a commission that has never once visited the valley?",
    ),
    Technique(
        "Appeal_to_Hypocrisy", "Appeal to hypocrisy", ATTACK_ON_REPUTATION,
        "Attacks a speaker for acting inconsistently with what they say (\"you did it "
        "too\"), so their argument is dismissed. Whether or not the charge is true, it "
        "does not answer the argument.",
        "The minister lectures us on ceasefires, yet his own army shelled the border town last spring.",
    ),
    Technique(
        "Questioning_the_Reputation", "Questioning the reputation", ATTACK_ON_REPUTATION,
        "Attacks the character or moral standing of an opponent, usually with "
        "unsupported insinuations, to undermine them rather than their argument. Not "
        "annotated in the English data.",
        "Nobody should listen to the envoy; everyone knows where his money comes from.",
        in_english_data=False,
    ),
    # --- Justification
    Technique(
        "Flag_Waving", "Flag waving", JUSTIFICATION,
        "Justifies a position by appealing to patriotism or group pride: supporting it is "
        "presented as what a loyal member of the nation, faith or community does. The "
        "pride stands in for reasons.",
        "Every true son of Karvenia will stand behind our soldiers in this hour.",
    ),
    Technique(
        "Appeal_to_Authority", "Appeal to authority", JUSTIFICATION,
        "Presents a claim as true because an authority or expert said so, without the "
        "evidence behind it. It is a technique when the authority is not a real expert on "
        "the question, or is cited instead of the facts.",
        "A famous surgeon has confirmed on television that the footage was staged.",
    ),
    Technique(
        "Appeal_to_Popularity", "Appeal to popularity (bandwagon)", JUSTIFICATION,
        "Argues that a claim is true or an action right because most people, or everyone "
        "like the reader, already believe or do it. Popularity is not evidence.",
        "Millions of citizens already see through the lies of the monitoring mission.",
    ),
    Technique(
        "Appeal_to_Values", "Appeal to values", JUSTIFICATION,
        "Links an idea to values the audience holds dear (freedom, tradition, justice, "
        "peace) so that rejecting it feels like betraying those values. Not annotated in "
        "the English data.",
        "Opening the corridor is what any defender of human dignity must demand.",
        in_english_data=False,
    ),
    Technique(
        "Appeal_to_Fear-Prejudice", "Appeal to fear or prejudice", JUSTIFICATION,
        "Builds support for an idea by making the audience afraid of the alternative, or "
        "by playing on prejudices about a group. Look for vivid threats without "
        "evidence of how likely they are.",
        "If the convoy is let through, terror will spread to every school and market in the country.",
    ),
    # --- Simplification
    Technique(
        "Causal_Oversimplification", "Causal oversimplification", SIMPLIFICATION,
        "Blames a complex event on a single cause when several contributed, often to pin "
        "it on one actor. Includes treating something that came first as the cause.",
        "Prices rose only because the rebels closed one road.",
    ),
    Technique(
        "False_Dilemma-No_Choice", "False dilemma or no choice", SIMPLIFICATION,
        "Presents two options as the only ones when more exist, or presents one course of "
        "action as the only possibility. Excluded middle grounds are the sign.",
        "Either the council backs the offensive or it sides with the terrorists.",
    ),
    Technique(
        "Consequential_Oversimplification", "Consequential oversimplification (slippery slope)", SIMPLIFICATION,
        "Claims that one step will inevitably trigger a chain of ever-worse consequences, "
        "without showing why each link follows. Not annotated in the English data.",
        "Allow one inspection today and tomorrow foreign troops will be running our ministries.",
        in_english_data=False,
    ),
    # --- Distraction
    Technique(
        "Straw_Man", "Straw man", DISTRACTION,
        "Replaces an opponent's actual position with a distorted, weaker one and then "
        "refutes that. Compare with what the opponent actually said.",
        "The inspectors want an investigation; in other words, they want our country to have no army at all.",
    ),
    Technique(
        "Red_Herring", "Red herring", DISTRACTION,
        "Introduces an irrelevant topic to pull attention away from the issue being "
        "discussed. The new topic may be true but does not bear on the question.",
        "Asked about the shelling, the spokesman spoke at length about the new hospital wing opened in the capital.",
    ),
    Technique(
        "Whataboutism", "Whataboutism", DISTRACTION,
        "Answers a criticism by pointing to a supposedly comparable wrong of the critic "
        "or someone else, instead of addressing it. The charge is deflected, not refuted.",
        "Why talk about our checkpoints when their allies bombed a wedding two years ago?",
    ),
    # --- Call
    Technique(
        "Slogans", "Slogans", CALL,
        "A short, catchy phrase, often a rallying cry or labelled stereotype, that stands "
        "in for an argument. Usually emotional and easy to repeat.",
        "Not one step back!",
    ),
    Technique(
        "Conversation_Killer", "Conversation killer (thought-terminating cliché)", CALL,
        "A phrase meant to end discussion and discourage critical thought, such as "
        "\"that's just how it is\" or \"end of story\". It dismisses questions instead "
        "of answering them.",
        "The matter is closed and there is nothing more to discuss.",
    ),
    Technique(
        "Appeal_to_Time", "Appeal to time (kairos)", CALL,
        "Argues that now is the moment to act, using urgency or a deadline as the reason. "
        "Not annotated in the English data.",
        "The window is closing: the assembly must vote tonight or never.",
        in_english_data=False,
    ),
    # --- Manipulative wording
    Technique(
        "Loaded_Language", "Loaded language", MANIPULATIVE_WORDING,
        "Words and phrases with strong emotional connotations, positive or negative, used "
        "to sway the audience rather than describe. Compare with the neutral word a wire "
        "report would use (\"massacre\" vs \"attack\", \"regime\" vs \"government\").",
        "The brutal bombardment left the proud old quarter a smouldering ruin.",
    ),
    Technique(
        "Obfuscation-Vagueness-Confusion", "Obfuscation, vagueness or confusion", MANIPULATIVE_WORDING,
        "Deliberately unclear wording that lets the audience read in what it likes, or "
        "lets the speaker avoid committing to a claim. Ask who exactly did what, and "
        "whether the text ever says.",
        "Certain circles, acting in certain interests, have taken certain steps.",
    ),
    Technique(
        "Exaggeration-Minimisation", "Exaggeration or minimisation", MANIPULATIVE_WORDING,
        "Makes something look much larger, better or worse than it is, or much smaller "
        "and less important. Check the claim against the figures.",
        "The attack was a minor incident that hurt nobody worth mentioning.",
    ),
    Technique(
        "Repetition", "Repetition", MANIPULATIVE_WORDING,
        "Repeats the same word, phrase or message so the audience comes to accept it. "
        "Every repeated mention counts as an instance.",
        "Staged, staged and staged again: the whole affair was staged.",
    ),
)

LABELS: tuple[str, ...] = tuple(t.label for t in TECHNIQUES)
ENGLISH_LABELS: tuple[str, ...] = tuple(t.label for t in TECHNIQUES if t.in_english_data)
_BY_LABEL = {t.label: t for t in TECHNIQUES}


def get_technique(label: str) -> Technique:
    """The technique with this exact label; raises ``KeyError`` naming the valid labels."""
    try:
        return _BY_LABEL[label]
    except KeyError:
        raise KeyError(f"unknown persuasion technique {label!r}; known: {', '.join(LABELS)}") from None


def techniques_in_group(group: str) -> list[Technique]:
    if group not in GROUPS:
        raise KeyError(f"unknown technique group {group!r}; known: {', '.join(GROUPS)}")
    return [t for t in TECHNIQUES if t.group == group]


def group_of(label: str) -> str:
    return get_technique(label).group


def render_markdown() -> str:
    """The text of ``docs/techniques.md`` (a test checks the file matches)."""
    out = [
        "# Persuasion techniques",
        "",
        "<!-- Generated by `python -m claimscope.rhetoric techniques-doc > docs/techniques.md`; edit",
        "     src/claimscope/rhetoric/taxonomy.py, not this file. -->",
        "",
        "claimscope labels persuasion techniques with the 23 techniques of SemEval-2023 Task 3",
        "and CheckThat! 2024 Task 3, grouped into 6 families as in the SemEval-2023 Task 3 paper",
        "(Piskorski et al., 2023). The label is the exact string used in data and exports.",
        "Definitions are written for fact-checkers; the examples are invented.",
        "",
        "Finding a technique in a text does not make the text false, and a true statement can use",
        "one. Techniques are cues for where to look harder, not verdicts.",
        "",
        "Techniques marked *not in English data* were annotated only in the shared tasks' other",
        "languages; English-trained detectors never predict them.",
        "",
    ]
    for group in GROUPS:
        out += [f"## {group}", "", GROUP_DESCRIPTIONS[group], ""]
        for t in techniques_in_group(group):
            note = " *(not in English data)*" if not t.in_english_data else ""
            out += [
                f"### {t.name}{note}",
                "",
                f"Label: `{t.label}`",
                "",
                t.definition,
                "",
                f"> Example (invented): {t.example}",
                "",
            ]
    from .detection_doc import DETECTION_MARKDOWN

    out += [DETECTION_MARKDOWN]
    return "\n".join(out).rstrip("\n") + "\n"
