"""The analysis runtime never imports torch, even where torch is installed (as in a training
environment): spaCy's thinc would otherwise import it at load, ~200 MB in every worker."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def test_loading_the_spacy_pipeline_does_not_import_torch_and_torch_still_imports_after():
    pytest.importorskip("torch", reason="torch is not installed here, so nothing could import it anyway")
    script = textwrap.dedent("""
        import sys
        from claimscope.pipeline import nlp
        doc = nlp.load(frozenset({"parser", "ner", "lemmatizer"}))("The ministry said 12 people died in Harsun.")
        assert [t.dep_ for t in doc][2] == "ROOT", [t.dep_ for t in doc]
        assert "torch" not in sys.modules, "loading spaCy imported torch"
        import thinc.compat
        assert thinc.compat.has_torch is False
        import torch  # hidden only while thinc looked for it
        print(torch.__name__)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "torch"


def test_spacy_imported_after_torch_is_left_alone():
    pytest.importorskip("torch", reason="torch is not installed here")
    script = textwrap.dedent("""
        import torch
        from claimscope.pipeline import nlp
        nlp.import_spacy()
        import thinc.compat
        assert thinc.compat.has_torch is True  # whoever imported torch first keeps thinc's torch support
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
