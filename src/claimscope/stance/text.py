"""Tokens, sentences and cue lexicons for the stance features (pure Python, no models).

Kept deliberately simple and deterministic: the same functions run at training time over
FNC-1 and at run time over claims and articles, so the features cannot drift apart.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A sentence ends at . ! ? (optionally followed by a closing quote) before whitespace, or at a
# blank line / line break: news bodies are often one paragraph per line.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\s*\n+\s*")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves s t said says say
""".split())

# Words whose presence near the headline's topic signals refutation (after Baird et al.'s
# FNC-1 baseline list, extended with the vocabulary of denials in conflict reporting).
REFUTE = frozenset("""
fake fraud hoax false falsely deny denies denied denying denial refute refutes refuted debunk debunked debunks
bogus doubt doubts doubtful prank pranks retract retracted retraction untrue nonsense baseless unfounded
fabricated fabrication fabrications lie lies lying myth rumour rumours rumor rumors dismissed dismisses reject
rejects rejected rebuff rebuffed satire satirical spoof misleading incorrect wrong staged contrary hoaxes
""".split())
NEGATION = frozenset("""
not no never none nothing nobody nowhere neither nor without cannot isn't wasn't aren't weren't don't doesn't
didn't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't n't
""".split())
# Reporting without committing: what FNC-1 calls "discuss".
HEDGE = frozenset("""
reportedly allegedly alleged claims claimed claim purportedly purported supposedly apparently unconfirmed
unverified according rumoured rumored may might could possibly perhaps appears appeared seems seemed suggests
suggested report reports reported speculation speculated believed thought uncertain unclear if whether
""".split())
AGREE = frozenset("""
confirmed confirms confirm confirmation official officially announced announces revealed reveals shows showed
proof proves proved evidence indeed true verified verify genuine real actually statement spokesman spokeswoman
""".split())

LEXICONS = (("refute", REFUTE), ("negation", NEGATION), ("hedge", HEDGE), ("agree", AGREE))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; a trailing clitic ("didn't") stays part of the word."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def stem(token: str) -> str:
    """A crude prefix stem: enough to match "attacked"/"attacks" without a stemmer dependency."""
    return token[:6]


def content_stems(toks: list[str]) -> list[str]:
    return [stem(t) for t in toks if t not in STOPWORDS and len(t) > 1]


def sentences(text: str) -> list[str]:
    """Split a body into sentences; empty pieces dropped, the whole text if nothing splits."""
    parts = [p.strip() for p in _SENTENCE_BREAK.split(text or "")]
    parts = [p for p in parts if p]
    return parts or ([text.strip()] if text and text.strip() else [])


def cue_counts(toks: list[str]) -> dict[str, int]:
    """How many tokens fall in each lexicon; "n't" clitics count as negation."""
    out = {name: 0 for name, _ in LEXICONS}
    for t in toks:
        for name, words in LEXICONS:
            if t in words or (name == "negation" and t.endswith("n't")):
                out[name] += 1
    return out
