"""Name keys for the gazetteer: three levels of matching, strictest first.

* :func:`exact_key` — Unicode-normalised, case-folded, diacritics and apostrophe/ayn marks
  removed, punctuation turned into single spaces. "Ma'arrat al-Nu'man" -> "maarrat al numan".
* :func:`loose_key` — the exact key without Arabic article tokens (al-, as-, ash-, ...)
  and generic words (city, village, neighbourhood, nahiyah, حي, ...):
  "as-Sukkari neighbourhood" -> "sukkari".
* :func:`skeleton_key` — a phonetic fold of the loose key for transliteration variants:
  vowels dropped inside words (a word-initial and word-final vowel leave one marker "a"),
  doubled letters collapsed, q/c/ck -> k, ch/sch -> sh, ph -> f, dj -> j, final -ah/-eh -> -a,
  ay/ey/aw/ow diphthongs folded, -iya/-iyya -> -ia, spaces removed.
  "Sukri", "Sukkari", "al-Sukkari" -> "skra"; "Khan Sheikhoun", "Khan Shaykhun" -> "khnshkhn";
  "Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "Deir Ezzor" -> "drzr".

Arabic-script names get the same three levels with Arabic rules (hamza seats and alef
forms unified, ta marbuta -> ha, alef maqsura -> ya, harakat and tatweel dropped, the
article ال dropped at the loose level).

The same functions build the shipped index and the query keys, so they must stay in step
with ``data/gazetteer.tsv.gz``: changing them means re-running scripts/build_gazetteer.py
(the index records :data:`KEY_VERSION` and the loader refuses a mismatch).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

KEY_VERSION = 1

# Marks that stand for ayn/hamza or an apostrophe in transliterations: removed, not spaced.
_APOSTROPHES = "'’‘ʿʾ`´ʻʼ′ʹ"
_APOS_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_NON_WORD = re.compile(r"[^\w]+|_")
_SPACES = re.compile(r"\s+")
# Latin letters NFKD does not decompose.
_LETTER_MAP = str.maketrans(
    {
        "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t",
        "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ŋ": "n", "ə": "e", "ʃ": "sh",
    }
)
# Arabic letter forms folded together (applied after harakat are dropped).
_ARABIC_MAP = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ة": "ه",
        "ی": "ي", "ک": "ك", "ـ": "",  # Persian ya/kaf and tatweel
    }
)
_ARABIC_RE = re.compile(r"[\u0600-\u06FF]")

# Transliterated Arabic article forms, as separate tokens after hyphens become spaces.
ARTICLE_TOKENS = frozenset(
    "al el il ul as es ash esh ad ed ar er at et az ez an en ath adh the".split()
)
# Words that say what kind of place it is rather than which one; dropped at the loose level.
GENERIC_TOKENS = frozenset(
    """
    city town village neighbourhood neighborhood neighbourhoods neighborhoods district quarter
    subdistrict sub nahiyah nahiya nahia mantiqah mantiqa mantika area governorate province
    muhafazah mohafaza muhafaza hay hayy
    حي مدينة قرية بلدة ناحية منطقة محافظة
    """.split()
)
# Not generic: "Damascus countryside" (Rif Dimashq) is not Damascus.

_VOWELS = set("aeiou")


def is_arabic(text: str) -> bool:
    return bool(_ARABIC_RE.search(text))


@lru_cache(maxsize=65536)
def exact_key(name: str) -> str:
    """Normalised form: NFKD without marks, case-folded, apostrophes removed, punctuation -> space."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_LETTER_MAP).translate(_ARABIC_MAP)
    text = _APOS_RE.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def loose_key(name: str) -> str:
    """Exact key without article tokens and generic words; the exact key if nothing is left."""
    key = exact_key(name)
    tokens = []
    for tok in key.split():
        if tok in ARTICLE_TOKENS or tok in GENERIC_TOKENS:
            continue
        if len(tok) > 3 and tok.startswith("ال"):  # Arabic article written onto the word
            tok = tok[2:]
        tokens.append(tok)
    while tokens and tokens[0] == "of":  # "province of Aleppo" -> "aleppo"
        tokens.pop(0)
    return " ".join(tokens) or key


_DIGRAPHS = [
    ("sch", "sh"), ("ch", "sh"), ("ck", "k"), ("ph", "f"), ("dj", "j"), ("q", "k"), ("c", "k"),
    ("x", "ks"), ("v", "w"),
]
_IYA_RE = re.compile(r"i+y+(?=[aeiou])")  # -iya, -iyya, -iyeh: the nisba ending
_FINAL_H_RE = re.compile(r"(?<=[aeiou])h$")  # ta marbuta: Raqqah/Raqqa, Hamah/Hama
# Sun-letter assimilated article glued on a later word: "Deir Ezzor" -> "Deir Zor".
_GLUED_ARTICLE_RE = re.compile(r"^[ae]([dnrstz])\1")


def _fold_word(word: str, first: bool, glued: bool = True) -> str:
    if glued and not first and len(word) > 4:
        m = _GLUED_ARTICLE_RE.match(word)
        if m:
            word = word[2:]
    for src, dst in _DIGRAPHS:
        word = word.replace(src, dst)
    word = _IYA_RE.sub("i", word)
    word = _FINAL_H_RE.sub("", word)
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        prev_v = i > 0 and word[i - 1] in _VOWELS
        next_v = i + 1 < n and word[i + 1] in _VOWELS
        vowel = ch in _VOWELS
        if ch in "yw" and i > 0:
            # ay/ei/aw/ou before a consonant or at the end are vowels; between vowels or
            # doubled (Darayya) they are consonants.
            doubled = (i + 1 < n and word[i + 1] == ch) or word[i - 1] == ch
            if prev_v and not next_v and not doubled:
                vowel = True
        if vowel:
            if i == 0:
                out.append("a")
            continue
        if out and out[-1] == ch:
            continue  # doubled consonant
        out.append(ch)
    if word and (word[-1] in _VOWELS) and len(word) > 1:
        out.append("a")
    return "".join(out)


def _skeleton(key: str, glued: bool) -> str:
    if is_arabic(key):
        folded = key.replace(" ", "")
        return folded if len(folded) >= 3 else ""
    words = [w for w in key.split() if w]
    folded = "".join(_fold_word(w, i == 0, glued) for i, w in enumerate(words))
    # Collapse doubles created across word joins ("Tall Lahm" -> "tlhm").
    folded = re.sub(r"(.)\1+", r"\1", folded)
    return folded if len(folded) >= 3 else ""


@lru_cache(maxsize=65536)
def skeleton_key(name: str) -> str:
    """Phonetic fold of the loose key (see module doc); '' when too short to be useful."""
    return _skeleton(loose_key(name), glued=True)


@lru_cache(maxsize=65536)
def skeleton_keys(name: str) -> tuple[str, ...]:
    """All skeletons of a name: a later word like "Ezzor"/"Assal" may be a glued article
    ("ez-Zor") or part of the word ("Khan al-Asal"/"Khan al-Assal"), so both readings."""
    key = loose_key(name)
    out = []
    for glued in (True, False):
        sk = _skeleton(key, glued)
        if sk and sk not in out:
            out.append(sk)
    return tuple(out)


def all_keys(name: str) -> tuple[str, str, tuple[str, ...]]:
    """(exact, loose, skeletons) keys of a name."""
    return exact_key(name), loose_key(name), skeleton_keys(name)
