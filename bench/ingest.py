"""Ingest benchmark: the FA-KES train CSV (634 articles) into a fresh store.

    python bench/ingest.py [--repeat 3]

Reports articles/second, words/second and peak memory, and as a same-process reference
the time to merely read and CSV-parse the file, so the ratio is comparable across noisy
machines. Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, peak_rss_mb, require, table, write_result  # noqa: E402

import claimscope  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="fresh-store runs; the median is reported")
    args = parser.parse_args()
    path = require(DATA / "fakes" / "fakes_enriched_train.csv", "FA-KES train CSV")

    csv.field_size_limit(10**8)
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    reference_s = time.perf_counter() - t0
    words = sum(len(r["article_content"].split()) for r in rows)

    timings, added = [], 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cs = claimscope.open(Path(tmp) / "bench.db")
            t0 = time.perf_counter()
            report = cs.ingest(path, text_col="article_content", title_col="article_title", date_col="date",
                               outlet_col="source")
            timings.append(time.perf_counter() - t0)
            added = len(report.added)
            assert report.failed == 0, report.errors[:3]
            cs.close()
    seconds = statistics.median(timings)
    metrics = {
        "rows": len(rows),
        "articles_added": added,
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(rows) / seconds, 1),
        "words_per_s": round(words / seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "reference_csv_parse_s": round(reference_s, 4),
        "ratio_to_csv_parse": round(seconds / reference_s, 1),
    }
    print(table([(k, v) for k, v in metrics.items()]))
    print(f"wrote {write_result('ingest', metrics, runs_s=[round(t, 3) for t in timings])}")


if __name__ == "__main__":
    main()
