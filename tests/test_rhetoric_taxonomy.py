"""The persuasion-technique taxonomy and the generated docs/techniques.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from claimscope.rhetoric import taxonomy
from claimscope.rhetoric.taxonomy import GROUPS, LABELS, TECHNIQUES, get_technique, render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "techniques.md"


def test_23_techniques_in_6_groups():
    assert len(TECHNIQUES) == 23 and len(set(LABELS)) == 23
    assert GROUPS == ("Attack on reputation", "Justification", "Simplification", "Distraction", "Call",
                      "Manipulative wording")
    sizes = Counter(t.group for t in TECHNIQUES)
    assert set(sizes) == set(GROUPS)
    assert sizes == {"Attack on reputation": 5, "Justification": 5, "Simplification": 3, "Distraction": 3,
                     "Call": 3, "Manipulative wording": 4}


def test_every_technique_is_documented():
    for t in TECHNIQUES:
        assert t.name and t.example, t.label
        sentences = [s for s in t.definition.split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 3, t.label


def test_four_techniques_are_absent_from_the_english_data():
    assert sorted(t.label for t in TECHNIQUES if not t.in_english_data) == [
        "Appeal_to_Time", "Appeal_to_Values", "Consequential_Oversimplification", "Questioning_the_Reputation",
    ]
    assert len(taxonomy.ENGLISH_LABELS) == 19


def test_lookup_by_label():
    assert get_technique("Doubt").group == "Attack on reputation"
    assert taxonomy.group_of("Flag_Waving") == "Justification"
    with pytest.raises(KeyError, match="known:"):
        get_technique("Doubts")


def test_docs_techniques_md_is_generated_from_the_taxonomy():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/techniques.md is stale: run `python -m claimscope.rhetoric techniques-doc > docs/techniques.md`"
    )
