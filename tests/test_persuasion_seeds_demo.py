"""The shipped persuasion detector on the seed articles and on the demo corpus.

The seeds are read from ../shared/seeds (never copied into the repository); the anchors
below are the short phrases the Rhetoric issue names. The demo corpus's techniques are
the ones its author wrote in (``claimscope/demo/truth.json``).
"""

from __future__ import annotations

import re

import pytest

from claimscope import demo
from claimscope.analyzers.techniques import _detector
from claimscope.render import techniques_by_claim
from conftest import SEEDS, needs_seeds

NC, DB, FEAR, CAUSAL = "Name_Calling-Labeling", "Doubt", "Appeal_to_Fear-Prejudice", "Causal_Oversimplification"
DISTRACTION = {"Red_Herring", "Whataboutism"}
REPUTATION = {DB, "Questioning_the_Reputation"}

# (anchor regex, techniques any one of which must overlap it)
SEED_EXPECTATIONS = [
    (r"terrorist groups and their western and persian gulf patrons", {NC}),
    (r"baseless allegations", {DB}),
    (r"so-called\W+white helmets", REPUTATION),
    (r"threatens all without exceptions", {FEAR}),
    (r"every time the syrian army tightens the noose", {CAUSAL}),
    (r"the real danger", DISTRACTION),
]


def _installed() -> bool:
    return _detector().name != "lexicon"


needs_model = pytest.mark.skipif(not _installed(), reason="no persuasion model installed in claimscope/models/persuasion")


def _seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _hits(text: str, spans, pattern: str) -> set[str]:
    m = re.search(pattern, text, flags=re.IGNORECASE)
    assert m, f"anchor {pattern!r} not in any seed article (were the seeds changed?)"
    return {s.technique for s in spans if s.start < m.end() and m.start() < s.end}


@needs_seeds
@needs_model
@pytest.mark.parametrize("pattern,wanted", SEED_EXPECTATIONS, ids=[p for p, _ in SEED_EXPECTATIONS])
def test_named_techniques_are_found_in_the_seeds(pattern, wanted):
    detector = _detector()
    for text in _seed_texts():
        if re.search(pattern, text, flags=re.IGNORECASE):
            found = _hits(text, detector.detect(text), pattern)
            assert found & wanted, f"{pattern!r}: expected one of {sorted(wanted)}, found {sorted(found)}"
            return
    pytest.fail(f"anchor {pattern!r} not in any seed article")


@needs_seeds
@needs_model
def test_seed_statement_claim_is_tied_to_doubt_and_name_calling(cs):
    cs.ingest(SEEDS)
    cs.analyze(["techniques"])
    for article in cs.articles(limit=None):
        m = re.search(r"baseless allegations", article.text, flags=re.IGNORECASE)
        if not m:
            continue
        by_claim = techniques_by_claim(cs.store, article.id)
        serving = [c for c in cs.claims(article_id=article.id) if c["content_start"] <= m.start() < c["content_end"]]
        assert serving, "no claim covers the ministry's statement"
        names = {n for c in serving for n in by_claim.get(c["id"], [])}
        assert {"doubt", "name calling/labeling"} <= names, names
        return
    pytest.fail("the seed with the ministry's statement was not ingested")


@needs_model
def test_demo_techniques_written_in_are_found():
    """A floor (a regression guard, not a goal) on how many of the techniques the demo's
    author wrote in are found at their phrase with the right label; the four techniques
    without English training data are left out of the count."""
    from claimscope.rhetoric.taxonomy import ENGLISH_LABELS

    detector = _detector()
    texts = {d.metadata["demo_file"]: d.text for d in demo.drafts()}
    spans = dict(zip(texts, detector.detect_batch(list(texts.values())) if hasattr(detector, "detect_batch")
                     else [detector.detect(t) for t in texts.values()]))
    written = [t for t in demo.truth()["techniques"] if t["technique"] in ENGLISH_LABELS]
    found, missed = 0, []
    for item in written:
        text = texts[item["article"]]
        start = text.index(item["phrase"])
        end = start + len(item["phrase"])
        if any(s.technique == item["technique"] and s.start < end and start < s.end for s in spans[item["article"]]):
            found += 1
        else:
            missed.append((item["technique"], item["phrase"][:40]))
    assert found / len(written) >= MIN_DEMO_RECALL, f"found {found}/{len(written)}; missed {missed}"
    located = sum(any(s.start < text.index(i["phrase"]) + len(i["phrase"]) and text.index(i["phrase"]) < s.end
                      for s in spans[i["article"]])
                  for i in written for text in [texts[i["article"]]])
    assert located / len(written) >= MIN_DEMO_LOCATED, f"a span was found at only {located}/{len(written)} phrases"


MIN_DEMO_RECALL = 0.25  # right technique at the phrase (16/54 with the shipped model)
MIN_DEMO_LOCATED = 0.35  # some technique at the phrase (21/54)
