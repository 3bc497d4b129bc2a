"""Across-article linking benchmark (issue 6).

    python bench/linking.py                 # everything available
    python bench/linking.py --skip-retrieval

Measures, in one process:
- claim retrieval MAP@5 on the CheckThat! 2020 Task 2 dev set (tweets against 10,388 verified
  claims) through the shipped search path (``claimscope.index.ranking``: 50 candidates by the
  ONNX encoder's cosine, re-scored with word overlap, then the cross-encoder re-ranker where
  shipped), with each stage's figure alone and a lexical reference (BM25 over everything);
- vector index speed: time to add 10,000 claim vectors, and the latency of a similarity
  query against 1,000,000 vectors (synthetic clustered unit vectors, as the issue allows),
  with recall@10 of the IVF search against exact search;
- incident clustering pairwise precision/recall/F1 on the demo corpus (demo/truth.json) and on
  FA-KES (same incident date, location and cause = one incident); ``--only-clustering`` re-measures
  just these and merges them into the existing results;
- stance figures: copied from bench/results/stance.json (written by bench/stance.py, which
  owns the FNC-1 cross-validation), with that file's commit recorded as ``stance_source``.
Writes bench/results/linking.json.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, peak_rss_mb, table, write_result  # noqa: E402

from claimscope.evaluation.claim_retrieval import map_at_k, read_split  # noqa: E402


def bm25_rank(docs: dict[str, str], queries: dict[str, str]) -> dict[str, list[str]]:
    """Lexical reference: BM25 over the whole collection, top 5 per query."""
    from claimscope.index.ranking import BM25

    ids = list(docs)
    index = BM25([docs[d] for d in ids])
    return {qid: [ids[j] for j in np.argsort(-index.scores(q), kind="stable")[:5]] for qid, q in queries.items()}


def retrieval(metrics: dict) -> None:
    zip_path = DATA / "claim-matching" / "v3.zip"
    if not zip_path.exists():
        metrics["claim_retrieval_map5"] = None
        print(f"claim retrieval skipped: {zip_path} absent")
        return
    from claimscope.nn.embed import ClaimEncoder

    docs, queries, qrels = read_split(zip_path, "dev")
    queries = {q: queries[q] for q in qrels if q in queries}
    encoder = ClaimEncoder.default()
    t0 = time.perf_counter()
    doc_ids = list(docs)
    doc_vecs = encoder.encode([docs[d] for d in doc_ids])
    encode_s = time.perf_counter() - t0
    q_ids = list(queries)
    q_vecs = encoder.encode([queries[q] for q in q_ids])
    from claimscope.index.ranking import CANDIDATES, _reranker, rank

    sims = q_vecs @ doc_vecs.T
    candidates = np.argsort(-sims, axis=1)[:, :CANDIDATES]

    def ranked(rerank: bool) -> dict[str, list[str]]:
        out = {}
        for qi, (q, row) in enumerate(zip(q_ids, candidates)):
            order = rank(queries[q], [docs[doc_ids[j]] for j in row], sims[qi, row], rerank=rerank)
            out[q] = [doc_ids[row[r.position]] for r in order[:5]]
        return out

    metrics["claim_retrieval_map5_cosine"] = round(map_at_k({q: [doc_ids[j] for j in row[:5]]
                                                             for q, row in zip(q_ids, candidates)}, qrels), 4)
    metrics["claim_retrieval_map5_first_stage"] = round(map_at_k(ranked(False), qrels), 4)
    reranker = _reranker()
    t0 = time.perf_counter()
    final = ranked(True)
    rank_s = time.perf_counter() - t0
    # the shipped search path: candidates by meaning, words, then the re-ranker where shipped
    metrics["claim_retrieval_map5"] = round(map_at_k(final, qrels), 4)
    metrics["reranker"] = reranker.version if reranker else None
    metrics["rank_ms_per_query"] = round(1000 * rank_s / max(1, len(q_ids)), 1)
    metrics["claim_retrieval_map5_bm25"] = round(map_at_k(bm25_rank(docs, queries), qrels), 4)
    metrics["encode_claims_per_s"] = round(len(doc_ids) / encode_s, 1)
    metrics["encoder"] = encoder.version


def index_speed(metrics: dict, n_big: int) -> None:
    from claimscope.index.vectors import VectorIndex

    rng = np.random.default_rng(42)
    d = 384
    centres = rng.standard_normal((2000, d)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)

    def batch(n):
        v = centres[rng.integers(0, len(centres), size=n)] + rng.standard_normal((n, d)).astype(np.float32) * 0.05
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    small = VectorIndex()
    vecs = batch(10_000)
    t0 = time.perf_counter()
    small.add(np.arange(10_000), vecs)
    metrics["index_add_10k_s"] = round(time.perf_counter() - t0, 3)

    big = VectorIndex()
    t0 = time.perf_counter()
    for start in range(0, n_big, 100_000):
        big.add(np.arange(start, min(start + 100_000, n_big)), batch(min(100_000, n_big - start)))
    metrics["index_build_1m_s"] = round(time.perf_counter() - t0, 1)
    queries = batch(200)
    latencies, agree = [], 0
    for q in queries:
        t0 = time.perf_counter()
        hits = big.search(q, k=10)
        latencies.append((time.perf_counter() - t0) * 1000)
    # recall of IVF against exact search on 20 queries
    for q in queries[:20]:
        exact = (big.codes.astype(np.float32) @ q) * big.scales
        best = set(np.argsort(-exact)[:10].tolist())
        agree += len(best & {h.id for h in big.search(q, k=10)})
    metrics["query_1m_ms"] = round(float(np.median(latencies)), 2)
    metrics["query_1m_p95_ms"] = round(float(np.percentile(latencies, 95)), 2)
    metrics["query_1m_recall_at_10"] = round(agree / 200, 3)
    metrics["index_vectors"] = n_big


# ---------------------------------------------------------------- incident clustering (issue 6, item 2)
def _clustering_store(path: Path):
    import logging

    from claimscope.store.sqlite import SQLiteStore

    logging.getLogger("claimscope").setLevel(logging.ERROR)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return SQLiteStore(path)


def incident_clustering_demo(metrics: dict, workdir: Path) -> None:
    """Pairwise P/R/F1 of incident clustering on the demo corpus against demo/truth.json
    (truth items: (article, incident) pairs; a truth item no extracted mention aligns to counts
    as a singleton, so extraction misses lower recall)."""
    from claimscope.demo import ingest_demo, truth
    from claimscope.linking import link
    from claimscope.linking.evaluation import demo_incident_scores
    from claimscope.pipeline import Pipeline

    store = _clustering_store(workdir / "demo.db")
    ingest_demo(store)
    Pipeline(names=["incidents"]).run(store)
    t0 = time.perf_counter()
    link(store, force=True)
    scores = demo_incident_scores(store, truth())
    metrics["incident_cluster_f1_demo"] = scores["f1"]
    metrics["incident_cluster_precision_demo"] = scores["precision"]
    metrics["incident_cluster_recall_demo"] = scores["recall"]
    metrics["incident_cluster_demo_items_aligned"] = f"{scores['aligned']}/{scores['items']}"
    metrics["link_demo_s"] = round(time.perf_counter() - t0, 2)
    store.close()


def _fakes_date(value: str) -> str | None:
    m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{2,4})$", (value or "").strip())
    if not m:
        return None
    month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    year += 2000 if year < 100 else 0
    return f"{year:04d}-{month:02d}-{day:02d}"


def incident_clustering_fakes(metrics: dict, workdir: Path, limit: int | None = None) -> None:
    """Pairwise P/R/F1 on FA-KES: articles with the same incident date, location and cause of
    death are one incident (the dataset's crowd-extracted facts); an article's predicted incident
    is that of its main incident mention (no mention: a singleton)."""
    import csv

    from claimscope.linking import link
    from claimscope.linking.evaluation import pairwise_prf
    from claimscope.model import Article, Outlet
    from claimscope.pipeline import Pipeline

    path = DATA / "fakes" / "fakes_enriched_train.csv"
    if not path.exists():
        metrics["incident_cluster_f1_fakes"] = None
        print(f"FA-KES clustering skipped: {path} absent")
        return
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:limit]
    store = _clustering_store(workdir / "fakes.db")
    store.set_setting("analysis.focus_countries", ["Syria"])
    truth: dict[str, tuple] = {}
    for row in rows:
        text = (row.get("article_content") or "").strip()
        if len(text.split()) < 20:
            continue
        published = _fakes_date(row.get("date", ""))
        article = Article(text=text, title=row.get("article_title"), published_at=published,
                          published_precision="day" if published else "unknown", language="en",
                          metadata={"fakes_unit_id": row.get("unit_id")})
        store.add_article(article, outlet=Outlet(name=(row.get("source") or "unknown").strip() or "unknown"))
        truth.setdefault(article.id, (row.get("date"), (row.get("location") or "").strip().lower(),
                                      (row.get("cause_of_death") or "").strip().lower()))
    t0 = time.perf_counter()
    Pipeline(names=["incidents"]).run(store)
    analyze_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = link(store, force=True)
    link_s = time.perf_counter() - t0
    predicted = {}
    for aid in truth:
        mentions = sorted(store.incident_mentions(article_id=aid, limit=None),
                          key=lambda m: (not m.get("is_main"), m["start"]))
        if mentions and mentions[0].get("incident_id") is not None:
            predicted[aid] = int(mentions[0]["incident_id"])
    scores = pairwise_prf(truth, predicted)
    metrics["incident_cluster_f1_fakes"] = scores["f1"]
    metrics["incident_cluster_precision_fakes"] = scores["precision"]
    metrics["incident_cluster_recall_fakes"] = scores["recall"]
    metrics["fakes_articles"] = len(truth)
    metrics["fakes_truth_incidents"] = len(set(truth.values()))
    metrics["fakes_predicted_incidents"] = report.incidents
    metrics["fakes_articles_with_mention"] = len(predicted)
    metrics["fakes_analyze_incidents_s"] = round(analyze_s, 1)
    metrics["link_fakes_s"] = round(link_s, 2)
    store.close()


def update_clustering_only(args) -> None:
    """Re-measure the clustering keys and merge them into bench/results/linking.json, keeping
    every other key (the retrieval/index figures come from the lead's full run)."""
    import json
    import tempfile

    from _common import RESULTS

    existing = {}
    target = RESULTS / "linking.json"
    if target.exists():
        existing = json.loads(target.read_text(encoding="utf-8")).get("metrics", {})
    metrics: dict = {}
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-link-") as tmp:
        incident_clustering_demo(metrics, Path(tmp))
        if not args.skip_fakes:
            incident_clustering_fakes(metrics, Path(tmp), args.fakes_limit)
    print(table(list(metrics.items())))
    stance_from_results(metrics)
    merged = {**existing, **metrics}
    for key in ("claim_retrieval_map5", "stance_macro_f1", "stance_disagree_f1", "index_add_10k_s", "query_1m_ms"):
        merged.setdefault(key, None)
    print(f"wrote {write_result('linking', merged)}")


def stance_from_results(metrics: dict) -> None:
    """FNC-1 stance figures as last measured by bench/stance.py (null when it has not run)."""
    import json

    from _common import RESULTS

    path = RESULTS / "stance.json"
    if not path.exists():
        print("stance: bench/results/stance.json not written yet (run bench/stance.py); reported as null")
        return
    result = json.loads(path.read_text(encoding="utf-8"))
    metrics["stance_macro_f1"] = result["metrics"].get("macro_f1")
    metrics["stance_disagree_f1"] = result["metrics"].get("f1_disagree")
    metrics["stance_source"] = f"bench/results/stance.json (commit {result.get('commit', '?')})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-retrieval", action="store_true")
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--only-clustering", action="store_true",
                        help="Only incident clustering (demo + FA-KES), merged into the existing linking.json.")
    parser.add_argument("--skip-fakes", action="store_true", help="Incident clustering on the demo corpus only.")
    parser.add_argument("--fakes-limit", type=int, help="Use only the first N FA-KES rows (smoke runs).")
    args = parser.parse_args()
    if args.only_clustering:
        update_clustering_only(args)
        return
    metrics: dict = {}
    if not args.skip_retrieval:
        retrieval(metrics)
    index_speed(metrics, args.vectors)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="claimscope-bench-link-") as tmp:
        incident_clustering_demo(metrics, Path(tmp))
        if not args.skip_fakes:
            incident_clustering_fakes(metrics, Path(tmp), args.fakes_limit)
    stance_from_results(metrics)
    metrics.setdefault("stance_macro_f1", None)
    metrics.setdefault("stance_disagree_f1", None)
    metrics.setdefault("incident_cluster_f1_demo", None)
    metrics.setdefault("incident_cluster_f1_fakes", None)
    metrics["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(table(list(metrics.items())))
    print(f"wrote {write_result('linking', metrics)}")


if __name__ == "__main__":
    main()
