"""Store backends side by side: the same invented workload on SQLite (the reference) and PostgreSQL.

    python bench/store_backends.py                 # 2,000 articles; starts a throwaway PostgreSQL
    python bench/store_backends.py --articles 500 --url postgresql://me@localhost/bench_db

Without --url (or $CLAIMSCOPE_TEST_PG_URL) a throwaway cluster is started the way the tests
start theirs (initdb in a temporary folder, unix socket only, fsync off, so durability costs
are left out for both backends: SQLite runs with synchronous=NORMAL in WAL). With --url the
given database must be empty or disposable: the benchmark creates its own database next to it.

Each operation is timed on both backends in the same process; the table shows operations per
second and the PostgreSQL/SQLite time ratio (above 1 = PostgreSQL slower). The workload is
invented text (no research data): articles with claims, mentions, figures, links and vectors.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, table, write_result  # noqa: E402

PLACES = ["Port Calder", "Lowmarket", "Drennick", "Ostrava Hills", "Tal Hadaq", "Vesk", "Marrow Bay", "Kettle Ford"]
ACTORS = ["the Interior Ministry", "a local monitoring group", "the army", "rebel commanders", "Calder Medical Relief"]
VERBS = ["said", "denied", "claimed", "reported", "alleged", "insisted"]
EVENTS = ["chlorine attack", "shelling of the market", "air strike", "convoy ambush", "barrel bomb"]


def invented_article(rng: np.random.Generator, i: int) -> tuple[str, str]:
    sentences = []
    for _ in range(int(rng.integers(8, 20))):
        sentences.append(f"{rng.choice(ACTORS).capitalize()} {rng.choice(VERBS)} that the {rng.choice(EVENTS)} in "
                         f"{rng.choice(PLACES)} killed {int(rng.integers(2, 90))} people on day {int(rng.integers(1, 28))}.")
    return f"Report {i}: {rng.choice(EVENTS)} in {rng.choice(PLACES)}", f"Dispatch {i}. " + " ".join(sentences)


def analysis(article, rng: np.random.Generator):
    from claimscope.model import AnalysisResult, CasualtyFigure, Claim, IncidentMention, Link, Span
    from claimscope.nn.embed import to_blob

    text, aid = article.text, article.id
    cut = [i for i, ch in enumerate(text) if ch == "."]
    spans = [Span(aid, s + 1 if s else 0, e + 1, "sentence") for s, e in zip([0, *cut[:-1]], cut)]
    claims = [Claim(aid, text=text[sp.start:sp.end], claim_type=str(rng.choice(["allegation", "denial", "assertion"])),
                    speaker=str(rng.choice(ACTORS)), content_start=sp.start, content_end=sp.end,
                    checkworthiness=float(rng.random())) for sp in spans[:10]]
    mentions = [IncidentMention(aid, event_type="chemical_weapon" if "chlorine" in sp_text else "shelling",
                                place_name=str(rng.choice(PLACES)), date_start=f"2021-05-{int(rng.integers(1, 28)):02d}",
                                start=sp.start, end=sp.end)
                for sp in spans[:5] for sp_text in [text[sp.start:sp.end]]]
    figures = [CasualtyFigure(aid, kind="killed", low=int(rng.integers(1, 90)), mention_id=f"@bench/mentions/{i}",
                              start=m.start, end=m.end) for i, m in enumerate(mentions)]
    links = [Link(kind="claim_incident", from_type="claim", from_id=f"@bench/claims/{i}", to_type="mention",
                  to_id=f"@bench/mentions/{i % len(mentions)}") for i in range(len(claims))]
    vectors = rng.normal(size=(len(claims), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return AnalysisResult(spans=spans, claims=claims, mentions=mentions, figures=figures, links=links,
                          claim_vectors=[(f"@bench/claims/{i}", to_blob(v)) for i, v in enumerate(vectors)])


def workload(store, n: int, seed: int) -> dict[str, tuple[int, float]]:
    """(operations, seconds) per step; the same invented data for every backend (same seed)."""
    from claimscope.ingest.dedup import bands, signature, to_bytes
    from claimscope.model import Article

    rng = np.random.default_rng(seed)
    timings: dict[str, tuple[int, float]] = {}
    articles = []
    for i in range(n):
        title, text = invented_article(rng, i)
        articles.append(Article(text=text, title=title, outlet=str(rng.choice(["Ledger", "Courier", "Post"])),
                                published_at=f"2021-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 28)):02d}"))
    signatures = [signature(a.text) for a in articles]
    started = time.perf_counter()
    for article, sig in zip(tqdm(articles, desc="add_article", unit="article", leave=False), signatures):
        store.add_article(article, minhash_bands=bands(sig), signature=to_bytes(sig))
    timings["add_article"] = (n, time.perf_counter() - started)

    results = [analysis(a, rng) for a in articles]
    started = time.perf_counter()
    for article, result in zip(tqdm(articles, desc="save_analysis", unit="article", leave=False), results):
        store.save_analysis(article.id, [("bench", "1", result)])
    timings["save_analysis"] = (n, time.perf_counter() - started)

    queries = ["chlorine", '"Port Calder"', "shell*", "ambush OR convoy", "Drennick NOT market"]
    started = time.perf_counter()
    for _ in range(20):
        for q in queries:
            store.search(q)
    timings["search"] = (20 * len(queries), time.perf_counter() - started)

    started = time.perf_counter()
    for place in PLACES * 3:
        store.find_claims(place=place, limit=50)
        store.find_articles(place=place, limit=50)
        store.find_incident_mentions(place=place, since="2021-05-03", limit=50)
    timings["find_* (web UI)"] = (len(PLACES) * 9, time.perf_counter() - started)

    started = time.perf_counter()
    for _ in range(5):
        store.pending_articles("bench", "2")
        store.linking_fingerprint()
        store.outlet_profiles()
    timings["bookkeeping"] = (15, time.perf_counter() - started)

    started = time.perf_counter()
    count = 0
    after = 0
    while rows := store.claim_vectors(after_claim_id=after, limit=5000):
        count += len(rows)
        after = rows[-1][0]
    timings["read claim vectors"] = (count, time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--url", default=os.environ.get("CLAIMSCOPE_TEST_PG_URL"),
                        help="A PostgreSQL database URL whose user may CREATE DATABASE (default: a throwaway server).")
    args = parser.parse_args()

    import psycopg

    from claimscope.store import open_store

    server = None
    admin_url = args.url
    if not admin_url:
        sys.path.insert(0, str(REPO / "tests"))
        from conftest import PgServer, _pg_bindir

        bindir = _pg_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries are not installed (apt-get install postgresql), and no --url given")
        server = PgServer(bindir)
        server.start()
        admin_url = server.admin_url
    from urllib.parse import urlsplit, urlunsplit

    name = "claimscope_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    parts = urlsplit(admin_url)
    pg_url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    folder = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
    try:
        lite = open_store(folder / "bench.db")
        reference = workload(lite, args.articles, seed=11)
        lite.close()
        pg = open_store(pg_url)
        candidate = workload(pg, args.articles, seed=11)
        pg.close()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if server is not None:
            server.stop()

    rows = [("operation", "SQLite ops/s   PostgreSQL ops/s   time ratio PG/SQLite")]
    metrics = {}
    for step, (ops, lite_s) in reference.items():
        pg_ops, pg_s = candidate[step]
        assert pg_ops == ops, (step, pg_ops, ops)  # both backends did the same work
        ratio = pg_s / lite_s if lite_s else float("nan")
        rows.append((step, f"{ops / lite_s:12.1f}   {ops / pg_s:16.1f}   {ratio:8.2f}"))
        metrics[step] = {"operations": ops, "sqlite_ops_per_s": round(ops / lite_s, 2),
                         "postgres_ops_per_s": round(ops / pg_s, 2), "ratio_postgres_to_sqlite": round(ratio, 3)}
    print(table(rows))
    path = write_result("store_backends", metrics, articles=args.articles,
                        postgres="throwaway local server (unix socket, fsync off)" if server else "given --url")
    print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
