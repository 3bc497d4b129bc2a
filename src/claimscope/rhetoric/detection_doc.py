"""The "Detecting techniques" part of docs/techniques.md (rendered by taxonomy.render_markdown).

Figures are those of bench/results/persuasion.json for the shipped model; update them here
when the model changes, then regenerate the doc.
"""

DETECTION_MARKDOWN = """\
## Detecting techniques

claimscope ships two detectors and uses their combination (`model+lexicon`, named by
`best_detector` in the model's `config.json`):

- **model**: all-MiniLM-L6-v2 fine-tuned as a multi-label wordpiece tagger (one sigmoid per
  technique plus "any technique"), run with onnxruntime. Spans of different techniques may
  overlap. Card: `src/claimscope/models/persuasion/MODEL_CARD.md`; training:
  `training/persuasion/`.
- **lexicon**: hand-written cue patterns (`rhetoric/cues.py`), the baseline and the
  fallback when the model files are missing (a warning is logged).
- **model+lexicon** (what the pipeline uses): the model's spans, the lexicon's spans for
  the techniques where they helped on dev (Flag_Waving, Loaded_Language,
  Name_Calling-Labeling, Slogans), and a few conflict-reporting cues the English training
  data lacks ("terrorist groups and their ... patrons", "so-called <Name>", "baseless
  allegations", "threatens all", "every time the army ...", "the real danger").

Each technique span is linked to the claims whose source, cue or content it overlaps, so
`claimscope claims` shows e.g. "using doubt, name calling/labeling"; `claimscope show ID`
lists the spans in context, coloured by technique; `claimscope outlets` reports technique
spans per 1,000 words for each outlet.

Scores on the 75 dev articles of SemEval-2023 Task 3 / CheckThat! 2024 (English), with the
partial-overlap span metric of Da San Martino et al. (2019):

| detector | technique-aware micro-F1 | technique-agnostic span F1 |
|---|---|---|
| lexicon (baseline) | 0.180 | 0.300 |
| model | 0.247 | 0.389 |
| model+lexicon (shipped) | 0.253 | 0.405 |

Best per technique (shipped): loaded language 0.34, flag waving 0.34, name calling 0.26,
slogans 0.23, appeal to fear 0.14; argument-level techniques (doubt, causal
oversimplification, red herring, whataboutism, straw man, ...) are essentially not found by
the model. Speed: 17 articles/s on 2 CPU cores (FA-KES), about the speed of the spaCy parse.
The issue's targets (span F1 0.50, technique F1 0.35) are not reached.

Reproduce (needs `../shared/data`):

    .venv/bin/python bench/persuasion.py     # prints the tables, writes bench/results/persuasion.json
"""
