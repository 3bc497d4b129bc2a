"""Throughput benchmark: the full analysis (every shipped analyzer) over the FA-KES corpus.

    nice -n 10 python bench/throughput.py [--limit N] [--workers 2] [--engine process] [--profile 48]

FA-KES (../shared/data/fakes/fakes_enriched_train.csv, 634 Syrian-war news articles of about
300 words, read as bench/ingest.py reads it) is ingested into a fresh store, then:

1. the full analysis (``claimscope.engines.run``, every registered analyzer, default the process
   engine with 2 workers, i.e. this machine's 2 cores) over all of them, timed end to end
   including worker start-up and model loading; peak memory is the resident memory of this
   process and all its children, sampled from /proc;
2. reference, right after: spaCy ``en_core_web_sm`` (the package claimscope ships, every
   default component) parses the same stored texts alone, in this process, with ``nlp.pipe``;
3. where the time goes: a serial run over the first ``--profile`` articles with timers around
   each neural model and the rule stages (seconds are wall time in one process).

Reports articles/s, words/s, peak RSS, seconds per analyzer (summed over workers) and
``ratio_to_parse`` = analysis wall time / reference parse time. Each run is appended to
``history`` in bench/results/throughput.json; ``metrics`` is the latest run.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, RESULTS, commit, require, table, write_result  # noqa: E402
from _procmem import TreeMemory, tree_rss_mb  # noqa: E402

import claimscope  # noqa: E402
from claimscope import engines  # noqa: E402

TARGET_ARTICLES_PER_S = 10.0
TARGET_PEAK_RSS_MB = 1536.0


def fakes_store(path: Path, csv_path: Path, limit: int | None) -> tuple[claimscope.api.Claimscope, list[str]]:
    """A fresh store holding the first ``limit`` FA-KES rows (read as bench/ingest.py does)."""
    source = csv_path
    if limit is not None:
        csv.field_size_limit(10**8)
        with csv_path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [row for _, row in zip(range(limit), reader)]
            fields = reader.fieldnames
        source = path.parent / "subset.csv"
        with source.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    cs = claimscope.open(path)
    report = cs.ingest(source, text_col="article_content", title_col="article_title", date_col="date",
                       outlet_col="source")
    if report.failed:
        sys.exit(f"ingesting {source} failed for {report.failed} rows: {[str(e) for e in report.errors[:3]]}")
    texts = [a.text for a in (cs.article(aid) for aid in cs.store.article_ids()) if a is not None]
    return cs, texts


def reference_parse(texts: list[str]) -> tuple[float, float]:
    """Seconds to parse ``texts`` with en_core_web_sm's full default pipeline, and model load time."""
    import spacy

    from claimscope.pipeline.nlp import SPACY_MODEL

    t0 = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - t0, load_s


def profile_serial(csv_path: Path, n: int, tmp: Path) -> dict:
    """A serial run over ``n`` articles with timers around each model and rule stage."""
    import claimscope.analyzers.claims as claims_mod
    import claimscope.analyzers.techniques as techniques_mod  # noqa: F401
    import claimscope.nn.onnx_runtime as onnx_runtime
    import claimscope.rhetoric.model as rhetoric_model
    from claimscope.pipeline import Pipeline

    spent: dict[str, float] = defaultdict(float)

    def timed(owner, attr: str, key) -> None:
        original = getattr(owner, attr)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[key(args) if callable(key) else key] += time.perf_counter() - t0

        setattr(owner, attr, wrapper)

    timed(onnx_runtime.OnnxTextModel, "logits", lambda args: f"model: {args[0].name}")
    timed(rhetoric_model, "piece_probabilities", "model: persuasion")
    timed(claims_mod, "extract_attributions", "claims: parse rules")
    timed(rhetoric_model.ModelLexiconDetector, "combine", "techniques: lexicon + domain cues")
    try:
        from claimscope.nn.attribution import AttributionTagger

        timed(AttributionTagger, "article_log_probs", "model: attribution")
    except ImportError:
        pass
    cs, texts = fakes_store(tmp / "profile.db", csv_path, n)
    t0 = time.perf_counter()
    pipeline = Pipeline()
    load_s = time.perf_counter() - t0
    report = pipeline.run(cs.store)
    cs.close()
    words = sum(len(t.split()) for t in texts)
    out = {"articles": report.articles, "words": words, "model_load_s": round(load_s, 2),
           "total_s": round(report.total_seconds, 2), "parse_s": round(report.parse_seconds, 2),
           "analyzers_s": {k: round(v, 2) for k, v in report.seconds.items()},
           "inside_analyzers_s": {k: round(v, 2) for k, v in sorted(spent.items())},
           "versions": {a.name: a.version for a in pipeline.analyzers}}
    out["serial_articles_per_s"] = round(report.articles / report.total_seconds, 2) if report.total_seconds else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="analyse only the first N FA-KES articles (default: all 634)")
    parser.add_argument("--engine", choices=engines.ENGINES, default="process")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2: this machine's cores)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--profile", type=int, default=48,
                        help="articles for the serial where-the-time-goes run (0: skip)")
    parser.add_argument("--note", default="", help="free text stored with this run (e.g. which models are shipped)")
    args = parser.parse_args()
    csv_path = require(DATA / "fakes" / "fakes_enriched_train.csv", "FA-KES train CSV")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cs, texts = fakes_store(tmp / "bench.db", csv_path, args.limit)
        words = sum(len(t.split()) for t in texts)
        base_rss = tree_rss_mb()  # before anything loads spaCy or a model in this process
        timeline: dict[str, float] = {}
        started = time.perf_counter()
        with TreeMemory() as mem:
            report = engines.run(cs.store, engine=args.engine, workers=args.workers, batch_size=args.batch_size,
                                 on_plan=lambda n: timeline.setdefault("planned", time.perf_counter() - started))
        wall = time.perf_counter() - started
        cs.close()
        if report.failures:
            print(f"warning: {len(report.failures)} analyzer failures, first: {report.failures[0]}", file=sys.stderr)
        startup = timeline.get("planned", 0.0)
        parse_s, spacy_load_s = reference_parse(texts)  # after: its spaCy must not count in the run's memory
        profile = profile_serial(csv_path, args.profile, tmp) if args.profile else None

    metrics = {
        "articles": report.articles,
        "words": words,
        "mean_words_per_article": round(words / max(1, len(texts))),
        "engine": report.engine,
        "workers": report.workers,
        "analysis_s": round(wall, 2),
        "startup_s": round(startup, 2),  # until the first worker reported its analyzers (spaCy loads later)
        "articles_per_s": round(report.articles / wall, 2),
        "articles_per_s_after_startup": round(report.articles / (wall - startup), 2) if wall > startup else None,
        "words_per_s": round(words / wall),
        "peak_rss_mb": round(mem.peak_mb),
        "peak_rss_mb_per_worker": {str(k): round(v) for k, v in report.worker_peak_rss_mb.items()},
        "bench_process_rss_before_mb": round(base_rss),
        "reference_parse_s": round(parse_s, 2),
        "reference_parse_articles_per_s": round(len(texts) / parse_s, 2),
        "ratio_to_parse": round(wall / parse_s, 2),
        "parse_s": round(report.parse_seconds, 2),
        "per_analyzer_s": {k: round(v, 2) for k, v in report.seconds.items()},
        "failures": len(report.failures),
        "meets_target_articles_per_s": report.articles / wall >= TARGET_ARTICLES_PER_S,
        "meets_target_peak_rss": mem.peak_mb < TARGET_PEAK_RSS_MB,
    }
    rows = [(k, v) for k, v in metrics.items() if not isinstance(v, dict)]
    rows += [(f"  {name}", f"{secs} s") for name, secs in metrics["per_analyzer_s"].items()]
    print(table(rows))
    if profile:
        print(f"\nwhere the time goes (serial, {profile['articles']} articles, {profile['total_s']} s, "
              f"model load {profile['model_load_s']} s):")
        print(table([("spaCy parse", f"{profile['parse_s']} s")] +
                    [(k, f"{v} s") for k, v in profile["analyzers_s"].items()] +
                    [(f"  {k}", f"{v} s") for k, v in profile["inside_analyzers_s"].items()]))
    path = RESULTS / "throughput.json"
    history = []
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
        history = previous.get("history", [])
    entry = {"commit": commit(), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "note": args.note,
             "load_average_1min": round(os.getloadavg()[0], 2), "metrics": metrics, "profile": profile}
    print(f"wrote {write_result('throughput', metrics, profile=profile, note=args.note, history=[*history, entry], spacy_load_s=round(spacy_load_s, 2), load_average_1min=entry['load_average_1min'])}")


if __name__ == "__main__":
    main()
