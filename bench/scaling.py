"""Scaling benchmark: ingest, analysis, store size, search and similar-claim latency vs corpus size.

    nice -n 10 python bench/scaling.py [--sizes 1000 10000 100000] [--analyze 250 500 1000] [--workers 2]

The corpus is synthetic: articles of about 300 words made by recombining the sentences of the
bundled (invented) demo corpus with a fixed seed, written to a JSONL file and ingested through
the real ingest path (``Claimscope.ingest``: decoding, ids, near-duplicate index, FTS). One
store grows through the sizes; at each size the benchmark records

* ingest time of the increment and per article (linear growth = constant ms/article);
* the store's size on disk (database + WAL after a checkpoint);
* full-text search latency (median of several queries, each run 5 times);
* similar-claim latency: ``SimilarClaims.similar(vector=...)`` (index refresh + search + row
  lookup). Its claim vectors are synthetic: each article gets ``--claims-per-article`` outlet
  claims (its first sentences) whose vectors are pseudo-random unit vectors seeded by the
  sentence text (the same sentence always gets the same vector, so recombined sentences are
  near neighbours, as real repeated claims are). They are stored with producer
  ``scaling-synthetic`` through ``Store.save_analysis``, like an analyzer's output.

The full analysis (every registered analyzer, ``--engine process``) runs on separate fresh
stores of the first ``--analyze`` articles of the same corpus; its linear fit extrapolates the
sizes it did not run at, and the JSON marks such figures ``"extrapolated": true``.
Writes bench/results/scaling.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table, write_result  # noqa: E402
from _procmem import TreeMemory  # noqa: E402

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

import claimscope  # noqa: E402
from claimscope import engines  # noqa: E402
from claimscope.demo import drafts  # noqa: E402
from claimscope.model import AnalysisResult, Claim  # noqa: E402

QUERIES = ('"chemical attack"', "chlorine", "helicopters AND barrels", "denied OR denies", "hospital NEAR(shelled 5)")
OUTLETS = ("Kestria News Agency", "Meridian Ledger", "Harsun Observer", "Valdor Daily", "Independent Monitor")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
PRODUCER = "scaling-synthetic"
DIMENSION = 384


def sentence_pool() -> list[str]:
    pool = []
    for draft in drafts():
        for paragraph in draft.text.split("\n\n"):  # the body: the title is apart
            pool.extend(s.strip() for s in SENTENCE.split(paragraph.replace("\n", " ")) if len(s.split()) >= 5)
    return pool


def synthetic_articles(n: int, seed: int = 8):
    """``n`` articles of ~300 words: a headline, then paragraphs of 2-3 recombined demo sentences."""
    pool = sentence_pool()
    rng = random.Random(seed)
    for i in range(n):
        words, paragraphs, paragraph = 0, [], []
        while words < 300:
            sentence = rng.choice(pool)
            paragraph.append(sentence)
            words += len(sentence.split())
            if len(paragraph) >= rng.choice((2, 3)):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        title = " ".join(rng.choice(pool).split()[:10]).rstrip(",.;:")
        day = 1 + i % 28
        yield {"title": f"{title} ({i})", "text": "\n\n".join(paragraphs), "outlet": OUTLETS[i % len(OUTLETS)],
               "date": f"20{18 + i % 6}-{1 + i % 12:02d}-{day:02d}"}


def write_jsonl(path: Path, start: int, stop: int, cache: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in cache[start:stop]:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def unit_vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(DIMENSION).astype(np.float32)
    return v / np.linalg.norm(v)


def add_synthetic_claims(store, article_ids: list[str], per_article: int) -> float:
    from claimscope.nn.embed import to_blob

    t0 = time.perf_counter()
    for aid in tqdm(article_ids, desc="synthetic claims", unit="article", leave=False):
        article = store.article(aid)
        body = article.text.split("\n\n", 1)[-1]
        claims, vectors, cursor = [], [], article.text.index(body)
        for j, sentence in enumerate(SENTENCE.split(body)[:per_article]):
            start = article.text.index(sentence, cursor)
            cursor = start + len(sentence)
            claims.append(Claim(article_id=aid, text=sentence, claim_type="assertion", speaker=article.outlet,
                                speaker_kind="media", source_kind="outlet", content_start=start,
                                content_end=start + len(sentence)))
            vectors.append((f"@{PRODUCER}/claims/{j}", to_blob(unit_vector(sentence))))
        store.save_analysis(aid, [(PRODUCER, "1", AnalysisResult(claims=claims, claim_vectors=vectors))])
    return time.perf_counter() - t0


def store_bytes(store) -> int:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(store.path)
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def search_latency(cs, repeat: int = 5) -> dict:
    per_query = {}
    for query in QUERIES:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            hits = cs.search(query, limit=20)
            times.append(time.perf_counter() - t0)
        per_query[query] = {"median_ms": round(statistics.median(times) * 1000, 2), "hits": len(hits)}
    return {"median_ms": round(statistics.median(q["median_ms"] for q in per_query.values()), 2),
            "per_query": per_query}


def similar_latency(store, pool: list[str], repeat: int = 20) -> dict:
    from claimscope.index import SimilarClaims

    similar = SimilarClaims(store)
    t0 = time.perf_counter()
    similar.refresh()
    refresh_s = time.perf_counter() - t0
    rng = random.Random(3)
    times, found = [], 0
    for _ in range(repeat):
        vector = unit_vector(rng.choice(pool))
        t0 = time.perf_counter()
        hits = similar.similar(vector=vector, k=10)
        times.append(time.perf_counter() - t0)
        found += bool(hits) and hits[0]["similarity"] > 0.99
    return {"index_refresh_s": round(refresh_s, 2), "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 2), "vectors": len(similar.index),
            "top_hit_same_sentence": f"{found}/{repeat}"}


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares y = a + b x, and R²."""
    b, a = np.polyfit(xs, ys, 1)
    pred = a + b * np.asarray(xs)
    ss_res = float(((np.asarray(ys) - pred) ** 2).sum())
    ss_tot = float(((np.asarray(ys) - np.mean(ys)) ** 2).sum()) or 1.0
    return float(a), float(b), 1 - ss_res / ss_tot


def analysis_points(corpus: list[dict], sizes: list[int], workers: int, tmp: Path) -> list[dict]:
    points = []
    for n in sizes:
        folder = tmp / f"analysis-{n}"
        folder.mkdir()
        write_jsonl(folder / "in.jsonl", 0, n, corpus)
        cs = claimscope.open(folder / "a.db")
        cs.ingest(folder / "in.jsonl", text_col="text", title_col="title", date_col="date", outlet_col="outlet")
        before = store_bytes(cs.store)
        t0 = time.perf_counter()
        with TreeMemory() as mem:
            report = engines.run(cs.store, engine="process", workers=workers)
        seconds = time.perf_counter() - t0
        stats = cs.store.stats()
        points.append({"articles": n, "analysis_s": round(seconds, 2), "articles_per_s": round(n / seconds, 2),
                       "ms_per_article": round(seconds / n * 1000, 1), "failures": len(report.failures),
                       "peak_rss_mb": round(mem.peak_mb), "store_mb_before": round(before / 2**20, 2),
                       "store_mb_after": round(store_bytes(cs.store) / 2**20, 2),
                       "claims": stats.get("claims"), "spans": stats.get("spans"), "links": stats.get("links")})
        cs.close()
        print(f"analysis of {n} articles: {seconds:.1f} s ({n / seconds:.2f} articles/s)")
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--analyze", type=int, nargs="*", default=[250, 500, 1000],
                        help="corpus sizes the full analysis actually runs at (fresh store each)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--claims-per-article", type=int, default=5)
    parser.add_argument("--keep", help="keep the grown store in this folder instead of a temporary one")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    corpus = list(synthetic_articles(max(sizes + (args.analyze or [0]))))
    pool = sentence_pool()
    words = [len(row["text"].split()) for row in corpus]
    print(f"synthetic corpus: {len(corpus)} articles, {statistics.mean(words):.0f} words on average, "
          f"{len(pool)} distinct demo sentences")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(args.keep) if args.keep else Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        cs = claimscope.open(tmp / "grow.db")
        points, done = [], 0
        for n in sizes:
            chunk = tmp / f"chunk-{n}.jsonl"
            write_jsonl(chunk, done, n, corpus)
            t0 = time.perf_counter()
            report = cs.ingest(chunk, text_col="text", title_col="title", date_col="date", outlet_col="outlet")
            ingest_s = time.perf_counter() - t0
            chunk.unlink()
            new_ids = [aid for aid in report.added]
            claims_s = add_synthetic_claims(cs.store, new_ids, args.claims_per_article)
            size = store_bytes(cs.store)
            point = {"articles": n, "ingest_increment": n - done, "ingest_s": round(ingest_s, 2),
                     "ingest_ms_per_article": round(ingest_s / (n - done) * 1000, 2),
                     "added": len(report.added), "near_duplicates": len(getattr(report, "duplicates", []) or []),
                     "synthetic_claims_write_s": round(claims_s, 2),
                     "store_mb": round(size / 2**20, 1), "store_kb_per_article": round(size / n / 1024, 2),
                     "search": search_latency(cs), "similar": similar_latency(cs.store, pool)}
            points.append(point)
            done = n
            print(table([(f"{n} articles", ""), ("  ingest", f"{ingest_s:.1f} s ({point['ingest_ms_per_article']} ms/article)"),
                         ("  store", f"{point['store_mb']} MB"), ("  search median", f"{point['search']['median_ms']} ms"),
                         ("  similar median", f"{point['similar']['median_ms']} ms "
                                              f"(refresh {point['similar']['index_refresh_s']} s)")]))
        cs.close()
        analysis = analysis_points(corpus, args.analyze, args.workers, tmp) if args.analyze else []

    metrics: dict = {"sizes": points, "analysis_measured": analysis}
    a, b, r2 = fit([p["articles"] for p in points], [p["store_mb"] for p in points])
    metrics["store_linear_fit"] = {"mb_per_1k_articles": round(b * 1000, 2), "r2": round(r2, 5)}
    cumulative, total = [], 0.0
    for p in points:
        total += p["ingest_s"]
        cumulative.append(total)
    a, b, r2 = fit([p["articles"] for p in points], cumulative)
    metrics["ingest_linear_fit"] = {"ms_per_article": round(b * 1000, 2), "r2": round(r2, 5)}
    if len(analysis) >= 2:
        a, b, r2 = fit([p["articles"] for p in analysis], [p["analysis_s"] for p in analysis])
        metrics["analysis_linear_fit"] = {"intercept_s": round(a, 1), "s_per_article": round(b, 4), "r2": round(r2, 5)}
        measured = {p["articles"] for p in analysis}
        metrics["analysis_by_size"] = [
            {"articles": n, "analysis_s": round(a + b * n, 1), "extrapolated": n not in measured,
             **({"measured_s": next(p["analysis_s"] for p in analysis if p["articles"] == n)} if n in measured else {})}
            for n in sorted(set(sizes) | measured)]
    print(json.dumps({k: v for k, v in metrics.items() if k.endswith("fit")}, indent=1))
    if "analysis_by_size" in metrics:
        print(table([(f"analysis {p['articles']}", f"{p['analysis_s']} s{' (extrapolated)' if p['extrapolated'] else ''}")
                     for p in metrics["analysis_by_size"]]))
    print(f"wrote {write_result('scaling', metrics, corpus={'articles': len(corpus), 'mean_words': round(statistics.mean(words)), 'demo_sentences': len(pool)})}")


if __name__ == "__main__":
    main()
