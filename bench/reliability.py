"""Reliability benchmark: fuzz campaigns, a SIGKILL loop, and load on SQLite and PostgreSQL.

    nice -n 10 python bench/reliability.py [--fuzz-cases 3000] [--analyze-cases 40] [--atheris-runs 20000]
                                           [--kills 20] [--load-requests 1500] [--workers 8]
                                           [--store-url postgresql://...] [--skip fuzz,kill,load,pg,mb]

1. **Fuzz** (all invented or random input, nothing read from ../shared):
   - ingest campaign: ``--fuzz-cases`` files of every accepted extension: random bytes,
     mutations of a valid file of each format, multilingual text in ~45 encodings, control and
     bidi characters, gzip/zip bombs, deep JSON, pages over the tag limit or with tens of
     thousands of inline children, 1 MB single lines, hostile feeds and dataset cells, each
     ingested into a store holding a known article. A *failure* is any exception other than a
     reported IngestError, an error without source or reason, a change to the known article, a
     stored text with control characters, or one input taking longer than the documented
     per-input limit (60 s);
   - analyzer campaign: ``--analyze-cases`` invented articles laced with malformed numbers and
     dates, mixed scripts and control characters, analysed by every registered analyzer. A
     failure is an analyzer failure or a span, claim or mention outside the stored text;
   - coverage-guided fuzzing with atheris (when installed: ``pip install atheris``) of the
     decoder, the HTML extractor, the feed parser, the JSONL/CSV readers, the date parser and
     the search-query translation (run against a real FTS5 table), ``--atheris-runs`` each;
   - a 1 MB single-line article through the whole analysis (seconds recorded).
2. **SIGKILL loop**: ``--kills`` kills, in turn at a random moment of ``claimscope ingest`` (a
   3,000-row invented JSONL dataset), at a random moment of ``claimscope analyze --limit 80``
   (start-up, parsing, analysis or linking) and right after a random number of further articles
   were saved; after each the store must open, pass SQLite's integrity check and hold no
   half-written article or analysis; then a rerun must finish the work (all 3,000 rows stored
   once, every article the analysis reached holding every analyzer's results, exit status 0).
3. **Load**: the real server (``claimscope serve`` subprocess) on loopback under
   ``--load-requests`` requests from ``--workers`` threads (75 % reads of every kind, 25 %
   token-authenticated ingests) while ``claimscope analyze`` writes to the same store; errors
   are transport errors, 5xx, any "database is locked", unexpected statuses, and acknowledged
   writes missing afterwards. Reference, same run: the same read mix against the quiet server
   (no writers); p95 is reported absolute and as a ratio to that reference. Repeated against a
   throwaway PostgreSQL cluster (tests/conftest.PgServer) or ``--store-url`` when available.

Writes bench/results/reliability.json (``metrics``: fuzz_cases, fuzz_failures, kills,
kills_survived, load_requests, load_errors, load_p95_ms, ... and the commit).
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, table, write_result  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from reliability_support import (ServerProcess, analysed_count, analysis_summary, cli,  # noqa: E402
                                 invented_article, invented_articles, kill_at_random, kill_when, merge_results,
                                 percentile, run_load, store_problems, write_jsonl)

from tqdm import tqdm  # noqa: E402

PER_INPUT_LIMIT_S = 60.0
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".csv", ".tsv", ".jsonl", ".json", ".rss", ".atom", ".xml")
BASE_TEXT = invented_article(1)["text"]
MULTILINGUAL = ("The minister said on Monday that the market was shelled. Le ministre a déclaré lundi que le marché "
                "a été bombardé. Министр заявил, что рынок обстреляли. Ο υπουργός δήλωσε ότι η αγορά βομβαρδίστηκε. "
                "وقال الوزير إن السوق قصف. השר אמר שהשוק הופגז. 部长周一表示市场遭到炮击。 大臣は市場が砲撃されたと述べた。"
                " 장관은 시장이 포격을 당했다고 말했다. รัฐมนตรีกล่าวว่าตลาดถูกยิง")
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "utf-7", "latin-1",
             "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "iso-8859-2",
             "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-15", "koi8-r", "koi8-u",
             "mac-roman", "mac-cyrillic", "cp437", "cp850", "cp866", "shift_jis", "euc-jp", "iso-2022-jp", "gb2312",
             "gbk", "gb18030", "big5", "euc-kr", "cp949", "tis-620", "hz", "cp037"]
NOISE = ["\x00", "\x07", "\x1b[31m", "\r", "\r\n", "\u202e", "\u200f", "\u2066", "\u2069", "\ufeff", "\u0301", "🙂",
         "&amp;", "&#0;", "&#x110000;", "<", ">", "\"", "'", "]]>", "<![CDATA[", "{", "[", ",", "\t", "\\",
         "1e308", "-0", "NaN", "99999999999999999999", "½", "٣٠", "Feb 30 2019", "0000-00-00", "31/31/31"]


def valid(suffix: str, text: str) -> bytes:
    if suffix in (".txt", ".md"):
        return ("Headline\n\n" + text).encode()
    if suffix in (".html", ".htm"):
        return f"<html><head><title>T</title></head><body><article><p>{text}</p></article></body></html>".encode()
    if suffix == ".csv":
        return ("title,text,date\nOne,\"" + text.replace('"', '""') + "\",2021-01-02\n").encode()
    if suffix == ".tsv":
        return ("title\ttext\nOne\t" + text.replace("\t", " ").replace("\n", " ") + "\n").encode()
    if suffix == ".jsonl":
        return (json.dumps({"title": "One", "text": text, "date": "2021"}) + "\n").encode()
    if suffix == ".json":
        return json.dumps([{"title": "One", "text": text}]).encode()
    from xml.sax.saxutils import escape

    if suffix == ".atom":
        return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>One'
                f"</title><summary>{escape(text)}</summary></entry></feed>").encode()
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>One</title>'
            f"<description>{escape(text)}</description></item></channel></rss>").encode()


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        pos = rng.randrange(max(1, len(buf)))
        op = rng.random()
        if op < 0.3 and buf:
            buf[pos] = rng.randrange(256)
        elif op < 0.6:
            buf[pos:pos] = rng.choice(NOISE).encode("utf-8") if rng.random() < 0.7 else os.urandom(rng.randint(1, 16))
        elif op < 0.8 and buf:
            del buf[pos:pos + rng.randint(1, 64)]
        elif buf:
            buf[pos:pos] = buf[pos:pos + rng.randint(1, 256)]
    return bytes(buf)


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", b"A" * 50_000_000)
    return out.getvalue()


def hostile_case(rng: random.Random, n: int, bombs: dict[str, bytes]) -> tuple[str, bytes, str]:
    """(extension, bytes, kind) of one fuzz case."""
    suffix = rng.choice(EXTENSIONS)
    kind = rng.choices(["random", "mutated", "encoding", "noise", "bomb", "deep-json", "wide-html", "tag-limit",
                        "one-line", "feed-fields", "cells"], weights=[15, 35, 12, 12, 2, 2, 2, 1, 1, 10, 8])[0]
    text = invented_article(n, seed=9)["text"] + f" (case {n})"
    if kind == "random":
        return suffix, os.urandom(rng.randint(1, 4096)), kind
    if kind == "mutated":
        return suffix, mutate(rng, valid(suffix, text)), kind
    if kind == "encoding":
        encoding = rng.choice(ENCODINGS)
        body = valid(suffix, MULTILINGUAL + " " + text).decode()
        return suffix, body.encode(encoding, errors="ignore"), kind + ":" + encoding
    if kind == "noise":
        words = text.split()
        for _ in range(rng.randint(1, 30)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(NOISE))
        return suffix, valid(suffix, " ".join(words)), kind
    if kind == "bomb":
        return suffix, bombs[rng.choice(["gzip", "zip"])], kind
    if kind == "deep-json":
        return rng.choice([".json", ".jsonl"]), ("[" * 100_000 + "]" * 100_000).encode(), kind
    if kind == "wide-html":
        inline = rng.choice(["<a href=/x>x</a> ", "<span><b>x</b></span> ", "<img src=x> w ", "<x-y>x</x-y> "])
        return ".html", f"<html><body><article><p>{inline * 15_000}{text}</p></article></body></html>".encode(), kind
    if kind == "tag-limit":
        return ".html", ("<html><body>" + "<p>x</p>" * 60_000 + f"<p>{text}</p></body></html>").encode(), kind
    if kind == "one-line":
        line = " ".join(f"w{i % 991}" for i in range(200_000))[:1_000_000]
        return rng.choice([".txt", ".jsonl", ".csv"]), valid(rng.choice([".txt", ".jsonl", ".csv"]), line), kind
    if kind == "feed-fields":
        from xml.sax.saxutils import escape

        items = "".join(
            f"<item><title>{escape(rng.choice(NOISE))}</title><link>{escape(link)}</link><pubDate>{escape(rng.choice(NOISE))}"
            f"</pubDate><description>{escape(text)}</description></item>"
            for link in rng.sample(["", "javascript:alert(1)", "file:///etc/passwd", "data:,x", "ftp://a/b", "http://",
                                    "http://10.0.0.1/x", "http://169.254.169.254/", "http://127.0.0.1:1/", "//x",
                                    "http://[::1", "gopher://x/"], rng.randint(1, 4)))
        return ".rss", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode(), kind
    cells = [rng.choice(NOISE) * rng.randint(1, 3) for _ in range(3)]
    if suffix in (".jsonl", ".json"):
        record = {"text": text + cells[0], "title": cells[1], "date": cells[2], "extra": [cells, {"n": 1e308}]}
        return ".jsonl", (json.dumps(record) + "\n").encode("utf-8", errors="replace"), kind
    row = '"' + (text + cells[0]).replace('"', '""') + '","' + cells[1].replace('"', '""') + '","' + cells[2] + '"'
    return ".csv", ("text,title,date\n" + row + "\n").encode("utf-8", errors="replace"), kind


def fuzz_ingest(cases: int, seed: int, work: Path) -> dict:
    import claimscope
    from claimscope.ingest import IngestError

    rng = random.Random(seed)
    db = work / "fuzz-ingest.db"
    cs = claimscope.open(db)
    known = cs.ingest_text(BASE_TEXT, title="Known", outlet="Kestria Today", published_at="2021-05-04").added[0]
    row = lambda: dict(cs.store.conn.execute("SELECT * FROM articles WHERE id = ?", (known,)).fetchone())  # noqa: E731
    snapshot = row()
    bombs = {"gzip": gzip.compress(b"\0" * 50_000_000), "zip": zip_bomb()}
    failures: list[str] = []
    slowest = (0.0, "")
    kinds: dict[str, int] = {}
    for n in tqdm(range(cases), desc="fuzz ingest", unit="case", file=sys.stderr):
        suffix, data, kind = hostile_case(rng, n, bombs)
        kinds[kind.split(":")[0]] = kinds.get(kind.split(":")[0], 0) + 1
        path = work / f"case{n}{suffix}"
        path.write_bytes(data)
        t0 = time.perf_counter()
        try:
            report = cs.ingest(path)
            problems = [f"bad error {e!r}" for e in report.errors if not (isinstance(e, IngestError) and e.source
                                                                          and e.problem)]
            for article_id in report.added:
                text = cs.article(article_id).text
                if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
                    problems.append("stored text holds control characters")
            if row() != snapshot:
                problems.append("the known article changed")
        except Exception as exc:  # noqa: BLE001 - that is what is being counted
            problems = [f"{type(exc).__name__}: {exc}"[:300] + " " + traceback.format_exc(limit=-3)[-600:]]
        elapsed = time.perf_counter() - t0
        if elapsed > PER_INPUT_LIMIT_S:
            problems.append(f"took {elapsed:.0f} s, over the {PER_INPUT_LIMIT_S:.0f} s per-input limit")
        slowest = max(slowest, (elapsed, kind + suffix))
        if problems:
            failures.append(f"case {n} ({kind}{suffix}): {'; '.join(problems)}")
            (work / "failures").mkdir(exist_ok=True)
            shutil.copy(path, work / "failures" / path.name)
        path.unlink()
    cs.close()
    consistency = store_problems(db)
    return {"cases": cases, "failures": failures + [f"store: {p}" for p in consistency], "kinds": kinds,
            "slowest_s": round(slowest[0], 2), "slowest_kind": slowest[1]}


def fuzz_analyzers(cases: int, seed: int, work: Path, one_mb: bool) -> dict:
    import claimscope
    from claimscope.pipeline import registered

    rng = random.Random(seed)
    db = work / "fuzz-analyze.db"
    cs = claimscope.open(db)
    texts = []
    for n in range(cases):
        paragraphs = invented_article(n, seed=seed).get("text").split("\n\n")
        for _ in range(rng.randint(1, 4)):
            noise = " ".join(rng.choice(NOISE + ["killed", "at least", "between 30 and 5", "February 30", "9999",
                                                 "yesterday", "قال", "Министерство", "部长", "\"", "said"])
                             for _ in range(rng.randint(3, 40)))
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), noise)
        texts.append("\n\n".join(paragraphs))
    ids = []
    for text in texts:
        ids += cs.ingest_text(text, title=text[:60], published_at="2021-03-04").added
    failures: list[str] = []
    # one article at a time, so that a crash of the run (not just of an analyzer) is one failure
    with tqdm(total=len(ids), desc="fuzz analyze", unit="article", file=sys.stderr) as bar:
        while True:
            try:
                run = cs.analyze(limit=1)
            except Exception as exc:  # noqa: BLE001 - counted; the article is marked done to go on
                failures.append(f"analysis run crashed: {type(exc).__name__}: {exc}"[:500])
                stuck = cs.store.conn.execute(
                    "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM analysis_runs) LIMIT 1").fetchone()
                if stuck is None:
                    break
                cs.store.conn.execute("DELETE FROM articles WHERE id = ?", (stuck[0],))
                bar.update(1)
                continue
            failures += [f"{a}: {name}: {detail}" for a, name, detail in run.failures]
            if run.articles == 0:
                break
            bar.update(run.articles)
    conn = cs.store.conn
    for table_name, (start, end) in (("spans", ("start", "end")), ("claims", ("content_start", "content_end")),
                                     ("incident_mentions", ("start", "end")), ("technique_spans", ("start", "end"))):
        bad = conn.execute(f'SELECT count(*) FROM {table_name} t JOIN articles a ON a.id = t.article_id WHERE '
                           f't."{start}" < 0 OR t."{end}" > length(a.text) OR t."{start}" > t."{end}"').fetchone()[0]
        if bad:
            failures.append(f"{bad} {table_name} rows outside their text")
    result = {"cases": len(ids), "failures": failures}
    if one_mb:
        line = " ".join(invented_article(i)["text"].replace("\n\n", " ") for i in range(2000))[:1_000_000]
        article_id = cs.ingest_text(line, title="One megabyte on one line").added[0]
        t0 = time.perf_counter()
        try:
            run = cs.analyze()
        except Exception as exc:  # noqa: BLE001 - counted as a failure
            failures.append(f"1 MB analysis crashed: {type(exc).__name__}: {exc}"[:500])
            run = None
        result["one_mb_seconds"] = round(time.perf_counter() - t0, 1)
        result["cases"] += 1
        if run is not None and run.failures:
            failures += [f"1 MB: {name}: {detail}" for _, name, detail in run.failures]
        done = {r[0] for r in conn.execute("SELECT analyzer FROM analysis_runs WHERE article_id = ?", (article_id,))}
        if done != set(registered()):
            failures.append(f"1 MB article analysed by {sorted(done)} only")
    cs.close()
    failures += [f"store: {p}" for p in store_problems(db, {n: tuple(c.requires) for n, c in registered().items()})]
    return result


ATHERIS_TARGETS = ("decode", "html", "feed", "jsonl", "csv", "dates", "search")


def atheris_target(name: str, runs: int) -> None:
    """Run inside a subprocess: libFuzzer exits the process when done."""
    import atheris

    with atheris.instrument_imports():
        from claimscope.ingest import html as html_module
        from claimscope.ingest import tabular
        from claimscope.ingest.dates import parse_published
        from claimscope.ingest.decoding import decode_bytes
        from claimscope.ingest.feeds import parse_feed
        from claimscope.store.sqlite import _fts_query
    import sqlite3

    from claimscope.ingest.errors import IngestError

    work = Path(tempfile.mkdtemp(prefix="claimscope-atheris-"))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(t)")
    conn.execute("INSERT INTO f VALUES ('the market was shelled on monday')")
    counter = {"n": 0}

    def one(data: bytes) -> None:
        counter["n"] += 1
        fdp = atheris.FuzzedDataProvider(data)
        try:
            if name == "decode":
                decode_bytes(data, "fuzz")
            elif name == "html":
                html_module.extract_html(fdp.ConsumeUnicodeNoSurrogates(len(data)), "fuzz")
            elif name == "feed":
                parse_feed(data, "fuzz")
            elif name in ("jsonl", "csv"):
                path = work / f"x.{name}"
                path.write_bytes(data)
                reader = tabular.read_jsonl if name == "jsonl" else tabular.read_csv
                for _ in reader(path, tabular.ColumnMapping(), 1 << 20):
                    pass
            elif name == "dates":
                parse_published(fdp.ConsumeUnicodeNoSurrogates(len(data)))
            elif name == "search":
                query = _fts_query(fdp.ConsumeUnicodeNoSurrogates(len(data)))
                if query:
                    conn.execute("SELECT * FROM f WHERE f MATCH ?", (query,)).fetchall()
        except IngestError:
            pass

    atheris.Setup([sys.argv[0], f"-runs={runs}", "-max_len=4096", "-timeout=60", "-rss_limit_mb=4096"], one)
    atheris.Fuzz()


def fuzz_atheris(runs: int, work: Path) -> dict:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return {"skipped": "atheris is not installed (pip install atheris)", "cases": 0, "failures": []}
    out: dict = {"cases": 0, "failures": [], "targets": {}}
    for name in tqdm(ATHERIS_TARGETS, desc="atheris", unit="target", file=sys.stderr):
        target_runs = runs // 10 if name == "html" else runs
        done = subprocess.run([sys.executable, __file__, "--atheris-target", name, "--atheris-runs", str(target_runs)],
                              capture_output=True, text=True, cwd=work, timeout=3600)
        log = done.stdout + done.stderr
        import re

        match = re.search(r"Done (\d+) runs", log)
        executed = int(match.group(1)) if match else 0
        out["cases"] += executed if done.returncode == 0 else executed + 1
        out["targets"][name] = {"runs": executed, "exit": done.returncode}
        if done.returncode != 0:
            out["failures"].append(f"atheris {name}: exit {done.returncode}: {log[-1500:]}")
    return out


# -- SIGKILL loop ----------------------------------------------------------------------------

def kill_loop(kills: int, seed: int, work: Path) -> dict:
    from claimscope.pipeline import registered

    rng = random.Random(seed)
    requires = {n: tuple(c.requires) for n, c in registered().items()}
    db = work / "kill.db"
    rows = invented_articles(3000, seed=21)
    data = work / "kill.jsonl"
    write_jsonl(data, rows)
    ingest = cli("--db", str(db), "ingest", str(data))
    analyze = cli("--db", str(db), "analyze", "--limit", "80")
    survived, log = 0, []
    for k in tqdm(range(kills), desc="SIGKILL", unit="kill", file=sys.stderr):
        which = ("ingest", "analyze-clock", "analyze-progress")[k % 3]
        if which == "ingest":  # random moment of a 3,000-row ingest
            point = rng.uniform(0.5, 6.0)
            code = kill_at_random(ingest, point)
        elif which == "analyze-clock":  # random moment of start-up, parsing, analysis or linking
            point = rng.uniform(0.5, 12.0)
            code = kill_at_random(analyze, point)
        else:  # right after a random number of further articles were saved
            before = analysed_count(db) if db.exists() else 0
            point = before + rng.randint(1, 40)
            code = kill_when(analyze, lambda: analysed_count(db) >= point)
        problems = store_problems(db, requires) if db.exists() else []
        survived += not problems
        log.append({"kill": k + 1, "during": which, "at": round(point, 2), "finished_first": code is not None,
                    "problems": problems})
    done_ingest = subprocess.run(ingest, capture_output=True, timeout=3600)
    done_analyze = subprocess.run(analyze, capture_output=True, timeout=3600)
    summary = analysis_summary(db)
    from claimscope.store import open_store
    from claimscope.pipeline import Pipeline

    store = open_store(db)
    analysed = store.conn.execute("SELECT count(DISTINCT article_id) FROM analysis_runs").fetchone()[0]
    complete = store.conn.execute(
        "SELECT count(*) FROM (SELECT article_id FROM analysis_runs GROUP BY article_id HAVING count(*) = ?)",
        (len(requires),)).fetchone()[0]
    pending_total = len(Pipeline().pending(store))
    store.close()
    rerun_ok = (done_ingest.returncode == 0 and done_analyze.returncode == 0 and summary["articles"] == len(rows)
                and analysed == complete and not store_problems(db, requires))
    return {"kills": kills, "survived": survived, "rerun_completes": rerun_ok, "articles": summary["articles"],
            "articles_analysed": complete, "still_pending": pending_total, "log": log}


# -- load ------------------------------------------------------------------------------------

def prepare_load_store(location: str, n: int = 40, analysed: int = 20) -> tuple[list[str], int]:
    from claimscope.ingest import Ingestor
    from claimscope.pipeline import Pipeline
    from claimscope.store import open_store

    store = open_store(location)
    try:
        ingestor = Ingestor(store)
        ids = []
        for article in invented_articles(n, seed=31):
            ids += ingestor.ingest_text(article["text"], title=article["title"], outlet=article["outlet"],
                                        published_at=article["published_at"]).added
        Pipeline().run(store, limit=analysed)
        return ids[:analysed], len(Pipeline().pending(store))
    finally:
        store.close()


def load_run(location: str, requests: int, workers: int, work: Path, label: str) -> dict:
    from claimscope.store import open_store

    ids, pending = prepare_load_store(location)
    token = "bench-token"
    with ServerProcess(location, token, log=work / f"server-{label}.log") as server:
        quiet = run_load(server.base_url, token, requests=min(300, requests), workers=workers, write_share=0.0,
                         seed=1, article_ids=ids)
        analysis = subprocess.Popen(cli("--db", location, "analyze"), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
        rounds, overlapping = [], 0
        with tqdm(total=requests, desc=f"load {label}", unit="req", file=sys.stderr) as bar:
            # at least --load-requests, and on until the concurrent analysis has finished (at most 4x)
            while (sum(r.requests for r in rounds) < requests or analysis.poll() is None) \
                    and sum(r.requests for r in rounds) < 4 * requests:
                size = 100
                rounds.append(run_load(server.base_url, token, requests=size, workers=workers, write_share=0.25,
                                       seed=len(rounds) + 2, article_ids=ids, progress=bar.update))
                overlapping += analysis.poll() is None
        _, err = analysis.communicate(timeout=3600)
    result = merge_results(rounds)
    store = open_store(location)
    lost = [i for i in set(result.written) if not store.has_article(i)]
    store.close()
    server_log = (work / f"server-{label}.log").read_text(errors="replace")
    errors = list(result.errors) + [f"lost write {i}" for i in lost]
    if "database is locked" in server_log.lower():
        errors.append("'database is locked' in the server log")
    if analysis.returncode != 0:
        errors.append(f"concurrent analyze exited {analysis.returncode}: {err.decode()[-500:]}")
    reads = [ms for kind, values in result.by_kind.items() if kind != "write" for ms in values]
    writes = result.by_kind.get("write", [])
    return {"requests": result.requests, "errors": len(errors), "error_samples": errors[:10],
            "p50_ms": round(result.p50_ms, 1), "p95_ms": round(result.p95_ms, 1),
            "read_p95_ms": round(percentile(reads, 95), 1), "write_p95_ms": round(percentile(writes, 95), 1),
            "quiet_read_p95_ms": round(quiet.p95_ms, 1),
            "p95_ratio_to_quiet": round(percentile(reads, 95) / quiet.p95_ms, 2) if quiet.p95_ms else None,
            "writes_acknowledged": len(set(result.written)), "rounds_during_analysis": overlapping,
            "rounds": len(rounds), "requests_per_s": round(result.requests / result.seconds, 1),
            "analysis_pending_at_start": pending, "workers": workers}


def postgres_location(work: Path, url: str | None) -> tuple[str | None, object, str]:
    """A database URL on the given server or on a throwaway cluster (and the cluster to stop)."""
    if url:
        return url, None, "given --store-url"
    try:
        import psycopg

        from conftest import PgServer, _pg_bindir, _with_dbname
    except ImportError as exc:
        return None, None, f"PostgreSQL load skipped: {exc}"
    bindir = _pg_bindir()
    if bindir is None:
        return None, None, "PostgreSQL load skipped: no server binaries (apt-get install postgresql)"
    server = PgServer(bindir)
    server.start()
    with psycopg.connect(server.admin_url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE claimscope_bench TEMPLATE template0 ENCODING 'UTF8'")
    return _with_dbname(server.admin_url, "claimscope_bench"), server, "throwaway cluster"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fuzz-cases", type=int, default=3000)
    parser.add_argument("--analyze-cases", type=int, default=40)
    parser.add_argument("--atheris-runs", type=int, default=20000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--load-requests", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--store-url", help="PostgreSQL URL for the load run (default: a throwaway cluster)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: fuzz,atheris,mb,kill,load,pg")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--atheris-target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.atheris_target:
        atheris_target(args.atheris_target, args.atheris_runs)
        return
    skip = set(filter(None, args.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="claimscope-reliability-"))
    os.environ.setdefault("XDG_CACHE_HOME", str(work / "cache"))
    import logging

    logging.getLogger("claimscope").setLevel(logging.ERROR)
    results: dict = {}
    started = time.perf_counter()
    if "fuzz" not in skip:
        results["fuzz_ingest"] = fuzz_ingest(args.fuzz_cases, args.seed, work)
        results["fuzz_analyzers"] = fuzz_analyzers(args.analyze_cases, args.seed, work, one_mb="mb" not in skip)
    if "atheris" not in skip:
        results["fuzz_atheris"] = fuzz_atheris(args.atheris_runs, work)
    if "kill" not in skip:
        results["kill"] = kill_loop(args.kills, args.seed, work)
    if "load" not in skip:
        results["load_sqlite"] = load_run(str(work / "load.db"), args.load_requests, args.workers, work, "sqlite")
    if "pg" not in skip:
        url, cluster, how = postgres_location(work, args.store_url)
        if url is None:
            results["load_postgres"] = {"skipped": how}
        else:
            try:
                results["load_postgres"] = {**load_run(url, args.load_requests, args.workers, work, "postgres"),
                                            "server": how}
            finally:
                if cluster is not None:
                    cluster.stop()

    fuzz_parts = [results[k] for k in ("fuzz_ingest", "fuzz_analyzers", "fuzz_atheris") if k in results]
    metrics = {
        "fuzz_cases": sum(p["cases"] for p in fuzz_parts),
        "fuzz_failures": sum(len(p["failures"]) for p in fuzz_parts),
        "kills": results.get("kill", {}).get("kills", 0),
        "kills_survived": results.get("kill", {}).get("survived", 0),
        "kill_rerun_completes": results.get("kill", {}).get("rerun_completes"),
        "load_requests": results.get("load_sqlite", {}).get("requests", 0),
        "load_errors": results.get("load_sqlite", {}).get("errors", 0),
        "load_p95_ms": results.get("load_sqlite", {}).get("p95_ms"),
        "load_read_p95_ratio_to_quiet": results.get("load_sqlite", {}).get("p95_ratio_to_quiet"),
        "pg_load_requests": results.get("load_postgres", {}).get("requests", 0),
        "pg_load_errors": results.get("load_postgres", {}).get("errors"),
        "pg_load_p95_ms": results.get("load_postgres", {}).get("p95_ms"),
        "one_mb_analysis_s": results.get("fuzz_analyzers", {}).get("one_mb_seconds"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    rows = [(k, v) for k, v in metrics.items()]
    print(table(rows))
    for part in fuzz_parts:
        for failure in part["failures"][:5]:
            print("FAILURE:", failure[:500])
    details = {k: v for k, v in results.items()}
    path = write_result("reliability", metrics, details=details, work_folder=str(work))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
