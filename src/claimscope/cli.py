"""The claimscope command line: ingest, analyze, look, export. ``claimscope COMMAND --help``."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from claimscope import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _DatabaseParam(click.ParamType):
    """``--db``: a SQLite file path, or a database URL kept as text (``postgresql://...``)."""

    name = "PATH|URL"

    def convert(self, value, param, ctx):
        from claimscope.store import is_url

        if isinstance(value, str) and (is_url(value) or value.startswith("sqlite:///")):
            return value.strip()
        return click.Path(dir_okay=False, path_type=Path).convert(value, param, ctx)


DB_HELP = ("Database: a SQLite file, sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
           "(default: claimscope.db in your data directory, or $CLAIMSCOPE_DB).")


def _where(store) -> str:
    """The store's location for a person: the SQLite file, or the server URL without password."""
    path = getattr(store, "path", None)
    return str(path) if path is not None else store.url


def _db_option(func):
    """``--db`` on every command (and on the group), falling back to $CLAIMSCOPE_DB, then the default."""

    @click.option("--db", "db", type=_DatabaseParam(), envvar="CLAIMSCOPE_DB", help=DB_HELP)
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx, db, *args, **kwargs):
        return func(*args, db=db or ctx.obj.get("db"), **kwargs)

    return wrapper


def _open(db: Path | None):
    from claimscope.api import Claimscope
    from claimscope.store import StoreError, default_db_path

    path = db or default_db_path()
    try:
        return Claimscope(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _progress(total: int | None, unit: str, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, disable=None, dynamic_ncols=True,
                smoothing=0.1)


@click.group(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope demo                                  # ingest + analyze the bundled demo corpus
  claimscope --db war.db ingest articles/ feed.xml
  claimscope --db war.db analyze
  claimscope --db war.db search '"chemical attack" denied'
""")
@click.option("--db", type=_DatabaseParam(), envvar="CLAIMSCOPE_DB", help=DB_HELP)
@click.version_option(__version__, prog_name="claimscope")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """claimscope: who claims what about which incident, traced to the words of stored articles."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


# ------------------------------------------------------------------------------------ ingest
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope ingest article.txt page.html             # files (first line of a .txt = title if a blank line follows)
  claimscope ingest corpus/                           # a folder, recursively, by extension
  claimscope ingest https://example.org/story.html    # a page (public addresses only)
  claimscope ingest https://example.org/rss.xml       # a feed: every entry is fetched
  claimscope ingest fakes.csv --text-col article_content --title-col article_title \\
        --date-col date --outlet-col source           # a dataset, one article per row
  cat story.txt | claimscope ingest - --outlet "Kestria News"
\b
Exit status: 0 when every input was ingested, 1 when some failed (each failure is
reported on one line naming the input; the rest is still ingested).""")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--text-col", help="Dataset column holding the article text.")
@click.option("--title-col", help="Dataset column holding the title.")
@click.option("--date-col", help="Dataset column holding the publication date.")
@click.option("--outlet-col", help="Dataset column holding the outlet name.")
@click.option("--url-col", help="Dataset column holding the URL.")
@click.option("--outlet", help="Outlet for every input (overrides what the URL or page says).")
@click.option("--max-bytes", type=int, default=20 * 1024 * 1024, show_default=True,
              help="Largest document (file, page or dataset cell) accepted.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Network timeout in seconds.")
@click.option("--date-order", type=click.Choice(["MDY", "DMY", "YMD"]), help="Order of ambiguous dates like 4/5/17.")
@click.option("--allow-private", is_flag=True, help="Allow fetching loopback/private addresses (local test servers only).")
@_db_option
def ingest(inputs, text_col, title_col, date_col, outlet_col, url_col, outlet, max_bytes, timeout, date_order,
           allow_private, db):
    """Store articles from files, folders, HTML, URLs, RSS/Atom feeds, CSV/JSONL datasets or stdin (-)."""
    from claimscope.ingest import ColumnMapping, Ingestor, IngestOptions

    cs = _open(db)
    options = IngestOptions(max_bytes=max_bytes, outlet=outlet, date_order=date_order,
                            mapping=ColumnMapping(text=text_col, title=title_col, date=date_col,
                                                  outlet=outlet_col, url=url_col))
    options.fetch.max_bytes = max_bytes
    options.fetch.timeout_s = timeout
    options.fetch.allow_private = allow_private
    with _progress(None, "doc", "ingest") as bar:
        report = Ingestor(cs.store, options, progress=bar).ingest(inputs)
    for error in report.errors:
        click.secho(f"error: {error}", fg="red", err=True)
    click.echo(f"ingest: {report.summary()}")
    click.echo(f"database: {_where(cs.store)}")
    cs.close()
    if report.failed:
        sys.exit(1)


# ----------------------------------------------------------------------------------- analyze
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope analyze                  # every analyzer, only what is new or outdated
  claimscope analyze --only sentences # one analyzer (and what it requires)
  claimscope analyze --only claims --rerun   # recompute one analyzer everywhere
  claimscope analyze --list           # the registered analyzers and their versions
  claimscope analyze --workers 2      # two worker processes; this process writes the store
  claimscope analyze --engine ray --address auto   # Ray Data on a running cluster""")
@click.option("--only", "only", multiple=True, help="Run just this analyzer (repeatable).")
@click.option("--limit", type=int, help="Analyze at most this many articles.")
@click.option("--list", "list_", is_flag=True, help="List registered analyzers and exit.")
@click.option("--rerun", is_flag=True, help="Run the --only analyzers (or all) again on every article.")
@click.option("--engine", type=click.Choice(["serial", "process", "ray"]),
              help="Where analyzers run: this process (default), worker processes (default with --workers > 1), "
                   "or Ray Data (docs/scaling.md).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (process engine, default 2) or Ray actors.")
@click.option("--address", help="Ray cluster address (auto, host:6379, ray://host:10001); --engine ray only.")
@_db_option
def analyze(only, limit, list_, rerun, engine, workers, address, db):
    """Run the registered analyzers over articles their current version has not seen."""
    from claimscope.pipeline import Pipeline, registered

    if list_:
        for name, cls in registered().items():
            requires = f" (requires {', '.join(cls.requires)})" if cls.requires else ""
            click.echo(f"{name:<14} v{cls.version:<6} {cls.description}{requires}")
        return
    if address and engine != "ray":
        raise click.BadParameter("--address needs --engine ray", param_hint="--address")
    if engine is None and workers and workers > 1:
        engine = "process"
    if engine in ("process", "ray"):
        _analyze_with_engine(engine, only, limit, rerun, workers, address, db)
        return
    try:
        pipeline = Pipeline(names=only or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--only") from None
    cs = _open(db)
    again = [a.name for a in pipeline.analyzers if not only or a.name in only] if rerun else []
    pending = len(pipeline.pending(cs.store, again))
    total = min(pending, limit) if limit is not None else pending
    with _progress(total, "article", "analyze") as bar:
        report = pipeline.run(cs.store, limit=limit, progress=bar.update, rerun=again)
    for article_id, name, detail in report.failures[:20]:
        click.secho(f"error: analyzer {name} failed on article {article_id}: {detail}", fg="red", err=True)
    if len(report.failures) > 20:
        click.secho(f"... and {len(report.failures) - 20} more failures", fg="red", err=True)
    click.echo(f"analyze: {report.summary()}")
    from claimscope.linking.commands import link_with_progress

    link_with_progress(cs)  # the corpus-level stage (issue 6); skipped when nothing changed
    cs.close()
    if report.failures:
        sys.exit(1)


def _analyze_with_engine(engine, only, limit, rerun, workers, address, db):
    """``analyze`` on worker processes or Ray (claimscope.engines): workers analyse, this process writes."""
    from claimscope import engines
    from claimscope.linking.commands import link_with_progress

    cs = _open(db)
    bar = None
    with contextlib.ExitStack() as stack:
        def on_plan(total):
            nonlocal bar
            bar = stack.enter_context(_progress(total, "article", "analyze"))

        try:
            report = engines.run(cs.store, engine=engine, names=list(only) or None, workers=workers, address=address,
                                 limit=limit, rerun=rerun, on_plan=on_plan, progress=lambda n: bar.update(n))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
    for article_id, name, detail in report.failures[:20]:
        click.secho(f"error: analyzer {name} failed on article {article_id}: {detail}", fg="red", err=True)
    if len(report.failures) > 20:
        click.secho(f"... and {len(report.failures) - 20} more failures", fg="red", err=True)
    click.echo(f"analyze: {report.summary()}")
    link_with_progress(cs)
    cs.close()
    if report.failures:
        sys.exit(1)


# ---------------------------------------------------------------------------------- articles
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope articles --outlet "Kestria News" --since 2022-03-01
  claimscope articles --language en --json""")
@click.option("--outlet", help="Outlet name or domain.")
@click.option("--since", help="Published on or after (YYYY[-MM[-DD]]).")
@click.option("--until", help="Published on or before (YYYY[-MM[-DD]]).")
@click.option("--language", help="Language code, e.g. en.")
@click.option("--no-duplicates", is_flag=True, help="Hide near-duplicate copies.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
def articles(outlet, since, until, language, no_duplicates, limit, offset, as_json, db):
    """List stored articles."""
    cs = _open(db)
    found = cs.articles(outlet=outlet, since=since, until=until, language=language,
                        include_duplicates=not no_duplicates, limit=limit, offset=offset)
    for article in found:
        if as_json:
            row = article.to_dict()
            row.pop("text")
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            dup = f"  [copy of {article.duplicate_of[:10]}]" if article.duplicate_of else ""
            click.echo(f"{article.id[:12]}  {article.published_at or '----------':<10.10}  "
                       f"{(article.outlet or '-')[:22]:<22}  {(article.title or article.text[:60])[:70]}{dup}")
    if not found and not as_json:
        click.echo("no articles match", err=True)
    cs.close()


# -------------------------------------------------------------------------------------- show
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope show 3f2a9c1b
  claimscope show 3f2a9c1b --spans sentence""")
@click.argument("article_id")
@click.option("--spans", "label", help="Only spans whose label starts with this.")
@_db_option
def show(article_id, label, db):
    """Show an article's text and metadata with its stored spans."""
    from claimscope.render import render_article

    cs = _open(db)
    article = cs.article(article_id)
    if article is None:
        raise click.ClickException(f"no article {article_id!r}; list ids with 'claimscope articles'")
    click.echo(render_article(cs.store, article, label_prefix=label, color=sys.stdout.isatty(),
                              width=min(shutil.get_terminal_size((100, 20)).columns, 100)))
    cs.close()


# ----------------------------------------------------------------------------------- outlets
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope outlets
  claimscope outlets --top 5
  claimscope outlets --json""")
@click.option("--top", type=int, default=3, show_default=True, help="Techniques listed per outlet.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per outlet and line.")
@_db_option
def outlets(top, as_json, db):
    """Persuasion techniques per outlet: spans per 1,000 words, overall and by technique."""
    from claimscope.rhetoric.summary import format_outlet_rates, outlet_technique_rates

    cs = _open(db)
    rows = outlet_technique_rates(cs.store)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        click.echo(format_outlet_rates(rows, top=top))
    cs.close()


# ------------------------------------------------------------------------------------ claims
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope claims --type denial
  claimscope claims --speaker ministry --min-checkworthiness 0.5
  claimscope claims --article 3f2a9c1b --json""")
@click.option("--article", "article_id", help="Only this article (id or prefix).")
@click.option("--type", "claim_type", type=click.Choice(["allegation", "denial", "counter_accusation", "assertion",
                                                          "estimate", "commitment", "warning", "call"]))
@click.option("--speaker", help="Speaker name contains this (case-insensitive).")
@click.option("--source-kind", type=click.Choice(["named", "anonymous", "outlet", "document"]))
@click.option("--min-checkworthiness", type=float, help="Only claims scored at least this check-worthy (0-1).")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
def claims(article_id, claim_type, speaker, source_kind, min_checkworthiness, limit, offset, as_json, db):
    """List claims: speaker, type, polarity, check-worthiness and the quoted words."""
    from claimscope.render import claim_line, techniques_by_claim

    cs = _open(db)
    if article_id:
        article = cs.article(article_id)
        if article is None:
            raise click.ClickException(f"no article {article_id!r}; list ids with 'claimscope articles'")
        article_id = article.id
    rows = cs.store.claims(article_id=article_id, claim_type=claim_type, limit=None)
    if speaker:
        needle = speaker.lower()
        rows = [r for r in rows if needle in (r["speaker"] or "").lower() or needle in (r["speaker_norm"] or "").lower()]
    if source_kind:
        rows = [r for r in rows if r["source_kind"] == source_kind]
    if min_checkworthiness is not None:
        rows = [r for r in rows if (r["checkworthiness"] or 0) >= min_checkworthiness]
    rows = rows[offset: offset + limit]
    techniques = techniques_by_claim(cs.store)
    for row in rows:
        if as_json:
            click.echo(json.dumps({**row, "techniques": techniques.get(row["id"], [])}, ensure_ascii=False))
        else:
            click.echo(claim_line(row, techniques.get(row["id"], []), color=sys.stdout.isatty()))
    if not rows and not as_json:
        click.echo("no claims match (run 'claimscope analyze' first?)", err=True)
    cs.close()


# ----------------------------------------------------------------------------------- similar
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope similar "the chemical attack was staged by the rebels"
  claimscope similar "helicopters dropped chlorine" --k 5 --min-score 0.5 --json""")
@click.argument("text", nargs=-1, required=True)
@click.option("-k", "--k", type=int, default=10, show_default=True, help="How many claims to return.")
@click.option("--min-score", type=float, default=0.0, show_default=True, help="Lowest cosine similarity shown.")
@click.option("--json", "as_json", is_flag=True)
@_db_option
def similar(text, k, min_score, as_json, db):
    """Claims closest in meaning to TEXT (has this been claimed before, and by whom?)."""
    from claimscope.render import claim_line

    cs = _open(db)
    try:
        hits = cs.similar(" ".join(text), k=k, min_score=min_score)
    except FileNotFoundError as exc:
        raise click.ClickException(f"similar-claim search needs the shipped encoder: {exc}") from None
    articles = {}
    for hit in hits:
        if as_json:
            click.echo(json.dumps(hit, ensure_ascii=False))
            continue
        article = articles.setdefault(hit["article_id"], cs.article(hit["article_id"]))
        click.echo(f"{hit['similarity']:.2f}  {article.published_at or '':<10.10}  {(article.outlet or '-')[:24]}")
        click.echo(claim_line(hit, [], color=sys.stdout.isatty()))
    if not hits and not as_json:
        click.echo("no similar claims (run 'claimscope analyze' so claims are embedded)", err=True)
    cs.close()


# ------------------------------------------------------------------------------------ search
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope search chlorine
  claimscope search '"staged attack" OR fabricated'
  claimscope search 'chlor*' --limit 5""")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_db_option
def search(query, limit, as_json, db):
    """Full-text search over article titles and texts (words ANDed, "phrases", prefix*, OR, NOT)."""
    cs = _open(db)
    hits = cs.search(" ".join(query), limit=limit)
    for hit in hits:
        if as_json:
            click.echo(json.dumps(hit, ensure_ascii=False))
        else:
            click.echo(f"{hit['article_id'][:12]}  {hit['published_at'] or '':<10.10}  {(hit['outlet'] or '-')[:20]:<20}  "
                       f"{hit['title'] or ''}")
            click.echo(textwrap.indent(textwrap.fill(hit["snippet"].replace("\n", " "), 96), "    "))
    if not hits and not as_json:
        click.echo("no matches", err=True)
    cs.close()


# --------------------------------------------------------------------------------- mentions
@main.command("mentions", context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope mentions
  claimscope mentions --type chemical_weapon --since 2019-11
  claimscope mentions --place Aleppo --json
  claimscope mentions --article 3f2a9c1b""")
@click.option("--article", "article_id", help="Only this article (id or prefix).")
@click.option("--type", "event_type", help="Event type, e.g. chemical_weapon, air_strike, shelling (docs/incidents.md).")
@click.option("--place", help="Place name, place id or governorate.")
@click.option("--since", help="Incident date on or after (YYYY[-MM[-DD]]).")
@click.option("--until", help="Incident date on or before (YYYY[-MM[-DD]]).")
@click.option("--main-only", is_flag=True, help="Only each article's main incident.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_db_option
def incident_mentions(article_id, event_type, place, since, until, main_only, limit, offset, as_json, db):
    """List incident mentions per article: type, weapon, modality, main/background, date, place,
    perpetrator, casualties, source. (`claimscope incidents` lists them clustered across articles.)"""
    from claimscope.incidents.records import describe
    from claimscope.incidents.taxonomy import EVENT_TYPES

    if event_type and event_type not in EVENT_TYPES:
        raise click.BadParameter(f"unknown event type {event_type!r}; choose from {', '.join(EVENT_TYPES)}",
                                 param_hint="--type")
    cs = _open(db)
    if article_id:
        article = cs.article(article_id)
        if article is None:
            raise click.ClickException(f"no article {article_id!r}; list ids with 'claimscope articles'")
        article_id = article.id
    rows = cs.mentions(article_id=article_id, event_type=event_type, place=place, since=since, until=until,
                        main_only=main_only, limit=limit, offset=offset)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            title = (row.get("article_title") or "")[:60]
            click.echo(f"{row['article_id'][:12]}  {(row.get('outlet') or '-')[:24]:<24}  {title}")
            click.echo(f"    {describe(row)}")
    if not rows and not as_json:
        click.echo("no incident mentions match (run 'claimscope analyze' first?)", err=True)
    cs.close()


# ------------------------------------------------------------------------------------ export
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope export --format jsonl --out everything.jsonl
  claimscope export --format csv --out tables/          # one CSV per table
  claimscope export --format csv --table claims --out claims.csv""")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "acled", "acled-jsonl", "geojson", "jsonld",
                                                   "annotations", "html"]), default="jsonl",
              show_default=True, help="acled / acled-jsonl: incident mentions as an ACLED-like table (docs/incidents.md); "
                                      "geojson, jsonld (schema.org Claim), annotations (W3C Web Annotation), html "
                                      "(offline report): see docs/api.md.")
@click.option("--table", "tables", multiple=True, help="Only these tables (repeatable).")
@click.option("--out", type=click.Path(path_type=Path), help="File (jsonl, or csv with one --table) or folder (csv).")
@click.option("--where", "where", multiple=True, metavar="KEY=VALUE",
              help="geojson/jsonld/annotations/html: only articles matching (outlet, since, until, claim_type, "
                   "technique, event_type, place; repeatable; article=ID picks articles).")
@_db_option
def export(fmt, tables, out, where, db):
    """Export stored records: JSONL of everything, or CSV per table."""
    from claimscope.export import export_csv, export_jsonl
    from claimscope.store.sqlite import EXPORTABLE_TABLES

    if fmt in ("geojson", "jsonld", "annotations", "html"):
        from claimscope.exports import export as export_standard

        selection: dict[str, Any] = {}
        for item in where:
            key, sep, value = item.partition("=")
            if not sep:
                raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--where")
            if key == "article":
                selection.setdefault("article_ids", []).append(value)
            else:
                selection[key] = value
        cs = _open(db)
        try:
            if out:
                with _atomic_text(out) as fh:
                    count = export_standard(cs.store, fmt, fh, selection or None)
                click.echo(f"export: {count} records to {out}", err=True)
            else:
                export_standard(cs.store, fmt, sys.stdout, selection or None)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--where") from None
        finally:
            cs.close()
        return

    unknown = [t for t in tables if t not in EXPORTABLE_TABLES]
    if unknown:
        raise click.BadParameter(f"unknown table(s) {', '.join(unknown)}; choose from {', '.join(EXPORTABLE_TABLES)}",
                                 param_hint="--table")
    cs = _open(db)
    chosen = list(tables) or list(EXPORTABLE_TABLES)
    if fmt in ("acled", "acled-jsonl"):
        from claimscope.incidents.acled import write_acled

        if out:
            with _atomic_text(out) as fh:
                count = write_acled(cs.store, fh, fmt)
            click.echo(f"export: {count} incident mentions to {out}", err=True)
        else:
            write_acled(cs.store, sys.stdout, fmt)
        cs.close()
        return
    if fmt == "jsonl":
        if out:
            with _atomic_text(out) as fh:
                count = export_jsonl(cs.store, fh, chosen)
            click.echo(f"export: {count} records to {out}", err=True)
        else:
            export_jsonl(cs.store, sys.stdout, chosen)
    else:
        if out is None:
            if len(chosen) != 1:
                raise click.UsageError("CSV of several tables needs --out FOLDER (or one --table to print)")
            export_csv(cs.store, chosen[0], sys.stdout)
        elif len(chosen) == 1 and out.suffix.lower() == ".csv":
            with _atomic_text(out) as fh:
                count = export_csv(cs.store, chosen[0], fh)
            click.echo(f"export: {count} rows to {out}", err=True)
        else:
            out.mkdir(parents=True, exist_ok=True)
            for table in chosen:
                with _atomic_text(out / f"{table}.csv") as fh:
                    count = export_csv(cs.store, table, fh)
                click.echo(f"export: {count:>6} rows to {out / (table + '.csv')}", err=True)
    cs.close()


class _atomic_text:
    """Write to a temporary file and rename on success, so a failed export leaves no half file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.part")

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.tmp.open("w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, exc_type, *rest: Any) -> None:
        self.fh.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------- serve
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope serve                                 # http://127.0.0.1:8765, read-only
  CLAIMSCOPE_TOKEN=s3cret claimscope serve         # writes (ingest, analyze) need the token
  claimscope serve --port 9000 --token s3cret
\b
The web UI is at /, the REST API under /api, its schema at /api/openapi.json.""")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback exposes the store to your network.")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--token", envvar="CLAIMSCOPE_TOKEN", help="Write token (or $CLAIMSCOPE_TOKEN); without one, "
                                                         "write endpoints answer 403.")
@click.option("--write-rate", type=int, default=30, show_default=True, help="Writes per minute per client.")
@_db_option
def serve(host, port, token, write_rate, db):
    """Serve the web UI and the REST API over the store."""
    try:
        import uvicorn

        from claimscope.web import create_app
    except ImportError as exc:
        raise click.ClickException(f"serving needs the web dependencies ({exc.name} is missing): "
                                   "pip install 'claimscope[web]'") from None
    from claimscope.store import StoreError, default_db_path

    path = db or default_db_path()
    try:
        loopback = host in ("127.0.0.1", "localhost", "::1")
        app = create_app(path, token=token or None, write_rate_per_minute=write_rate,
                         allowed_hosts=None if loopback else ["*"])
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: binding to {host} makes the store readable from the network", fg="yellow", err=True)
    from claimscope.store import describe_location

    click.echo(f"serving {describe_location(path)} on http://{host}:{port}/  (writes {'need the token' if token else 'disabled'})",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


# -------------------------------------------------------------------------------------- demo
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope demo                      # into the default database
  claimscope demo --db /tmp/demo.db --report /tmp/demo.html""")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the HTML report (default: beside the database).")
@_db_option
def demo(report, db):
    """Ingest and analyze the bundled demo corpus (an invented conflict), then summarise."""
    from claimscope.demo import ingest_demo
    from claimscope.report import write_report

    cs = _open(db)
    ingest_report = ingest_demo(cs.store)
    for error in ingest_report.errors:
        click.secho(f"error: {error}", fg="red", err=True)
    click.echo(f"ingest: {ingest_report.summary()}")
    from claimscope.pipeline import Pipeline

    pipeline = Pipeline()
    with _progress(len(pipeline.pending(cs.store)), "article", "analyze") as bar:
        run = pipeline.run(cs.store, progress=bar.update)
    click.echo(f"analyze: {run.summary()}")
    from claimscope.linking.commands import link_with_progress

    link_with_progress(cs)  # incidents, contradictions, narratives across articles (issue 6)
    report_path = report or _default_report(cs.store)
    write_report(cs.store, report_path, title="claimscope demo corpus (an invented conflict)")
    _print_summary(cs)
    click.echo(f"report:   {report_path}")
    cs.close()


@main.command(context_settings=CONTEXT)
@_db_option
def info(db):
    """Where the database is and what it holds."""
    cs = _open(db)
    _print_summary(cs)
    cs.close()


# ------------------------------------------------------------------------- backup / restore
@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope --db war.db backup backups/war-2024-05-01.db
  claimscope --db war.db backup war-copy.db --force     # overwrite an existing backup
\b
A consistent snapshot even while ingest, analyze or serve write to the store; checked with
SQLite's integrity check before it is put in place. PostgreSQL stores: use pg_dump.""")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@_db_option
def backup(out, force, db):
    """Write a checked copy of the store to OUT (SQLite online backup)."""
    from claimscope.store import StoreError

    cs = _open(db)
    try:
        info = cs.backup(out, force=force)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        cs.close()
    click.echo(f"backup: {info.summary()}")
    click.echo(f"written to: {info.path}")


@main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope --db restored.db restore backups/war-2024-05-01.db
  claimscope --db war.db restore backups/war-2024-05-01.db --force   # replace what war.db holds
\b
The backup is checked before anything is written; the store is replaced in one transaction.""")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a store that already holds articles.")
@_db_option
def restore(source, force, db):
    """Replace the store's contents with the checked backup IN."""
    from claimscope.store import StoreError

    cs = _open(db)
    try:
        info = cs.restore(source, force=force)
        click.echo(f"restore: {info.summary()}")
        _print_summary(cs)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        cs.close()


def _default_report(store) -> Path:
    """Beside a SQLite file; for a server database, in the user's data directory."""
    path = getattr(store, "path", None)
    if path is not None:
        return Path(path).with_name("claimscope-report.html")
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("claimscope", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "claimscope-report.html"


def _print_summary(cs) -> None:
    stats = cs.stats()
    click.echo(f"database: {_where(cs.store)}  (schema v{cs.store.schema_version()})")
    click.echo(f"articles: {stats['articles']} ({stats['duplicates']} near-duplicate copies)   outlets: {stats['outlets']}")
    click.echo(f"claims: {stats['claims']}   incidents: {stats['incidents']} "
               f"({stats['incident_mentions']} mentions)   techniques: {stats['techniques']}   spans: {stats['spans']}")


# across articles (issue 6): link, incidents, incident, narratives, contradictions
from claimscope.linking.commands import register as _register_linking  # noqa: E402

_register_linking(main)


if __name__ == "__main__":  # pragma: no cover
    main()
