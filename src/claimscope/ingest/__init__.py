"""Ingestion: everything an analyst has (files, folders, HTML, URLs, feeds, datasets, stdin)
becomes :class:`~claimscope.model.Article` records in the store.

Each input is handled on its own: a bad one produces an :class:`IngestError` in the report
and the run continues. Each article is written in its own transaction, so an interrupted
run leaves no half-written article, and a rerun skips what is already stored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimscope.ingest import dedup
from claimscope.ingest.dates import parse_published
from claimscope.ingest.decoding import clean_text, decode_bytes
from claimscope.ingest.errors import IngestError
from claimscope.ingest.feeds import looks_like_feed, parse_feed
from claimscope.ingest.fetch import FetchPolicy, fetch
from claimscope.ingest.html import extract_html, looks_like_html
from claimscope.ingest.outlets import outlet_for
from claimscope.ingest.tabular import ColumnMapping, Row, read_csv, read_jsonl
from claimscope.model import Article, DatePrecision, Outlet, sha256_hex
from claimscope.store.base import Store

TEXT_EXTENSIONS = {".txt", ".text", ".md"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
CSV_EXTENSIONS = {".csv", ".tsv"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson", ".json"}
FEED_EXTENSIONS = {".rss", ".atom", ".xml"}
ALL_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | CSV_EXTENSIONS | JSONL_EXTENSIONS | FEED_EXTENSIONS

__all__ = ["Ingestor", "IngestOptions", "IngestReport", "IngestError", "Draft", "ColumnMapping"]


@dataclass
class IngestOptions:
    max_bytes: int = 20 * 1024 * 1024  # per document (a dataset file may be larger; each row is capped)
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    outlet: str | None = None  # force this outlet for every input
    date_order: str | None = None  # "MDY" or "DMY" for ambiguous dataset dates
    duplicate_threshold: float = dedup.DEFAULT_THRESHOLD
    extensions: set[str] = field(default_factory=lambda: set(ALL_EXTENSIONS))
    min_words: int = 3


@dataclass
class Draft:
    """An article before it gets its identity: what one input yielded."""

    text: str
    source_ref: str
    title: str | None = None
    url: str | None = None
    outlet: Outlet | None = None
    outlet_name: str | None = None
    published: Any = None
    author: str | None = None
    raw: bytes | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (copy, original, similarity)
    errors: list[IngestError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files ignored by extension

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.existing)} already stored",
                 f"{len(self.duplicates)} near-duplicates marked", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} files skipped by extension")
        return ", ".join(parts)


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float | None]:
    sample = text[:3000]
    if len(sample.split()) < 3:
        return None, None
    lang, prob = _language_identifier().classify(sample)
    return lang, round(float(prob), 4)


def split_title(text: str) -> tuple[str | None, str]:
    """Plain-text convention: the first line is the title when a blank line follows it."""
    stripped = text.lstrip("\n")
    first, sep, rest = stripped.partition("\n")
    if sep and rest.startswith("\n") or (sep and rest.lstrip(" \t").startswith("\n")):
        title = first.strip()
        if title and len(title) <= 300:
            return title, rest.strip("\n")
    return None, text


class Ingestor:
    """Turns inputs into stored articles. Use via ``claimscope.open(path).ingest(...)``."""

    def __init__(self, store: Store, options: IngestOptions | None = None, progress: Any = None):
        self.store = store
        self.options = options or IngestOptions()
        self.progress = progress  # an object with update(n) and set_postfix_str(s), e.g. tqdm

    # -- public entry points ---------------------------------------------------
    def ingest(self, inputs: Iterable[str | Path], report: IngestReport | None = None) -> IngestReport:
        report = report or IngestReport()
        for item in inputs:
            for draft in self._drafts_for(item, report):
                self._store_draft(draft, report)
        return report

    def ingest_drafts(self, drafts: Iterable[Draft], report: IngestReport | None = None) -> IngestReport:
        """Store prepared drafts (used by the demo loader and by integrations)."""
        report = report or IngestReport()
        for draft in drafts:
            self._store_draft(draft, report)
        return report

    def ingest_text(self, text: str, report: IngestReport | None = None, **meta: Any) -> IngestReport:
        report = report or IngestReport()
        title, body = (meta.pop("title"), text) if meta.get("title") else split_title(text)
        self._store_draft(Draft(text=body, title=title, raw=text.encode("utf-8"),
                                source_ref=meta.pop("source_ref", "text"), **_draft_meta(meta)), report)
        return report

    def ingest_html(self, html: str, report: IngestReport | None = None, **meta: Any) -> IngestReport:
        report = report or IngestReport()
        source = meta.pop("source_ref", meta.get("url") or "html")
        try:
            draft = self._draft_from_html(html, source, html.encode("utf-8"), meta.get("url"))
        except IngestError as exc:
            report.errors.append(exc)
            return report
        for key, value in _draft_meta(meta).items():
            if value is not None:
                setattr(draft, key, value)
        self._store_draft(draft, report)
        return report

    # -- input kinds -----------------------------------------------------------
    def _drafts_for(self, item: str | Path, report: IngestReport) -> Iterator[Draft]:
        spec = str(item)
        try:
            if spec == "-":
                yield from self._drafts_from_bytes(sys.stdin.buffer.read(self.options.max_bytes + 1), "stdin",
                                                   report=report)
            elif spec.lower().startswith(("http://", "https://")):
                yield from self._drafts_from_url(spec, report)
            elif "://" in spec[:12]:
                raise IngestError(spec, f"scheme {spec.split('://')[0]!r} is not supported", "give an http(s) URL or a file path")
            else:
                path = Path(spec).expanduser()
                if path.is_dir():
                    yield from self._drafts_from_dir(path, report)
                elif path.exists():
                    yield from self._drafts_from_file(path, report)
                else:
                    raise IngestError(spec, "no such file or folder", "check the path")
        except IngestError as exc:
            report.errors.append(exc)

    def _drafts_from_dir(self, folder: Path, report: IngestReport) -> Iterator[Draft]:
        for path in sorted(folder.rglob("*")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
                continue
            if path.suffix.lower() not in self.options.extensions:
                report.skipped.append(str(path))
                continue
            try:
                yield from self._drafts_from_file(path, report)
            except IngestError as exc:
                report.errors.append(exc)

    def _drafts_from_file(self, path: Path, report: IngestReport) -> Iterator[Draft]:
        suffix = path.suffix.lower()
        source = str(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IngestError(source, f"cannot read ({exc.strerror})", "check permissions") from None
        if size == 0:
            raise IngestError(source, "empty file", "nothing to ingest")
        if suffix in CSV_EXTENSIONS or suffix in (".jsonl", ".ndjson"):
            reader = read_csv(path, self.options.mapping, self.options.max_bytes) if suffix in CSV_EXTENSIONS \
                else read_jsonl(path, self.options.mapping, self.options.max_bytes)
            yield from self._drafts_from_rows(reader, source, report)
            return
        if size > self.options.max_bytes:
            raise IngestError(source, f"file is {size:,} bytes, over the {self.options.max_bytes:,}-byte limit",
                              "raise --max-bytes or split the file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(source, f"cannot read ({exc.strerror})", "check permissions") from None
        if suffix == ".json":
            yield from self._drafts_from_json(data, source, report)
            return
        yield from self._drafts_from_bytes(data, source, hint=suffix, report=report)

    def _drafts_from_json(self, data: bytes, source: str, report: IngestReport) -> Iterator[Draft]:
        text, _ = decode_bytes(data, source)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{source}:{exc.lineno}", f"not valid JSON ({exc.msg})", "fix the file") from None
        except RecursionError:
            raise IngestError(source, "JSON nested too deeply to read", "an article record is a flat object; fix the file") from None
        records = parsed if isinstance(parsed, list) else parsed.get("articles") if isinstance(parsed, dict) and isinstance(parsed.get("articles"), list) else [parsed]
        rows: list[Row | IngestError] = []
        columns = None
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                rows.append(IngestError(f"{source}[{index}]", "expected a JSON object", "each item must be an object with a text field"))
                continue
            try:
                columns = columns or self.options.mapping.resolve(list(record), source)
            except IngestError as exc:
                rows.append(exc)
                continue
            used = {c for c in columns.values() if c}
            values = {role: (None if record.get(col) is None else str(record.get(col))) if col else None
                      for role, col in columns.items()}
            rows.append(Row(line=index, values=values, extra={k: v for k, v in record.items() if k not in used}))
        yield from self._drafts_from_rows(iter(rows), source, report, index_word="item")

    def _drafts_from_rows(self, rows: Iterator[Row | IngestError], source: str, report: IngestReport,
                          index_word: str = "line") -> Iterator[Draft]:
        for row in rows:
            if isinstance(row, IngestError):
                report.errors.append(row)
                continue
            ref = f"{source}:{row.line}" if index_word == "line" else f"{source}[{row.line}]"
            text = (row.values.get("text") or "").strip()
            if not text:
                report.errors.append(IngestError(ref, "empty text cell", "the row is skipped; the others are ingested"))
                continue
            if len(text.encode("utf-8")) > self.options.max_bytes:
                report.errors.append(IngestError(ref, f"text is over the {self.options.max_bytes:,}-byte limit", "raise --max-bytes"))
                continue
            if looks_like_html(text):
                try:
                    draft = self._draft_from_html(text, ref, text.encode("utf-8"), row.values.get("url"))
                except IngestError as exc:
                    report.errors.append(exc)
                    continue
            else:
                draft = Draft(text=text, source_ref=ref, raw=text.encode("utf-8"))
            draft.title = (row.values.get("title") or "").strip() or draft.title
            draft.url = (row.values.get("url") or "").strip() or draft.url
            draft.outlet_name = (row.values.get("outlet") or "").strip() or draft.outlet_name
            draft.published = (row.values.get("date") or "").strip() or draft.published
            draft.author = (row.values.get("author") or "").strip() or draft.author
            draft.metadata = {**draft.metadata, **row.extra}
            yield draft

    def _drafts_from_bytes(self, data: bytes, source: str, hint: str = "", url: str | None = None,
                           charset: str | None = None, content_type: str = "", report: IngestReport | None = None,
                           follow_feeds: bool = True) -> Iterator[Draft]:
        if not data.strip():
            raise IngestError(source, "empty input", "nothing to ingest")
        if len(data) > self.options.max_bytes:
            raise IngestError(source, f"input is over the {self.options.max_bytes:,}-byte limit", "raise --max-bytes")
        if hint in FEED_EXTENSIONS or (hint == "" and looks_like_feed(data, content_type)):
            if not follow_feeds:
                raise _feed_in_feed(source)
            yield from self._drafts_from_feed(data, source, report)
            return
        text, _ = decode_bytes(data, source, declared=charset)
        if hint in HTML_EXTENSIONS or "html" in content_type or (hint not in TEXT_EXTENSIONS and looks_like_html(text)):
            yield self._draft_from_html(text, source, data, url)
            return
        title, body = split_title(text)
        yield Draft(text=body, title=title, source_ref=source, raw=data, url=url)

    def _draft_from_html(self, html: str, source: str, raw: bytes, url: str | None) -> Draft:
        page = extract_html(html, source, url)
        return Draft(text=page.text, title=page.title, source_ref=source, raw=raw, url=page.url or url,
                     outlet_name=page.site_name, published=page.date, author=page.author)

    def _drafts_from_url(self, url: str, report: IngestReport | None, follow_feeds: bool = True) -> Iterator[Draft]:
        result = fetch(url, self.options.fetch)
        if looks_like_feed(result.body, result.content_type) and "html" not in result.content_type:
            if not follow_feeds:
                raise _feed_in_feed(url)
            yield from self._drafts_from_feed(result.body, url, report)
            return
        yield from self._drafts_from_bytes(result.body, url, url=result.url, charset=result.charset,
                                           content_type=result.content_type or "text/html", report=report,
                                           follow_feeds=follow_feeds)

    def _drafts_from_feed(self, data: bytes, source: str, report: IngestReport | None = None) -> Iterator[Draft]:
        """Each entry's page (never another feed: a feed linking to feeds would multiply requests
        without end). An entry that cannot be read is one error; the other entries go on."""
        feed_title, entries, total = parse_feed(data, source)
        errors: list[IngestError] = report.errors if report is not None else []
        if total > len(entries):
            errors.append(IngestError(source, f"the feed has {total:,} entries; only the first {len(entries):,} "
                                              "are read", "split the feed, or ingest the later entries' URLs directly"))
        for index, entry in enumerate(entries, start=1):
            ref = entry.link or f"{source}[entry {index}]"
            drafts: list[Draft] = []
            problem: IngestError | None = None
            if entry.link:
                try:
                    drafts = list(self._drafts_from_url(entry.link, None, follow_feeds=False))
                except IngestError as exc:
                    problem = exc
            if not drafts:
                # no link, or the page is unreachable: keep what the feed itself says, marked as such
                summary_text = self._feed_summary(entry, ref)
                if summary_text:
                    meta: dict[str, Any] = {"from_feed_summary": True}
                    if problem is not None:
                        meta["fetch_error"] = str(problem)
                    drafts = [Draft(text=summary_text, source_ref=ref, url=entry.link, raw=summary_text.encode(),
                                    metadata=meta)]
                elif problem is not None:
                    errors.append(IngestError(ref, f"feed entry could not be fetched: {problem.problem}", problem.advice))
                else:
                    errors.append(IngestError(ref, "feed entry has neither a link nor any text",
                                              "nothing to ingest from this entry; the others are ingested"))
            for draft in drafts:
                draft.title = draft.title or entry.title
                draft.published = draft.published or entry.published
                draft.author = draft.author or entry.author
                draft.metadata.setdefault("feed", source)
                if feed_title:
                    draft.metadata.setdefault("feed_title", feed_title)
                yield draft
        if report is None and errors:
            raise errors[0]

    def _feed_summary(self, entry: Any, ref: str) -> str | None:
        """The entry's own text (HTML reduced to text), or None when it is too short to be an article."""
        if not entry.summary or len(entry.summary.split()) < self.options.min_words:
            return None
        text = entry.summary
        if looks_like_html(text) or "<" in text:
            try:
                text = extract_html(f"<html><body><article>{text}</article></body></html>", ref).text
            except IngestError:
                pass
        return text

    # -- storing ---------------------------------------------------------------
    def _store_draft(self, draft: Draft, report: IngestReport) -> str | None:
        try:
            article, outlet, signature = self.build_article(draft)
        except IngestError as exc:
            report.errors.append(exc)
            return None
        if self.store.has_article(article.id):
            self.store.add_article(article, outlet=outlet)  # records the sighting only
            report.existing.append(article.id)
            self._tick(report)
            return article.id
        bands = dedup.bands(signature)
        self._mark_duplicate(article, signature, bands, report)
        self.store.add_article(article, minhash_bands=bands, signature=dedup.to_bytes(signature), outlet=outlet)
        report.added.append(article.id)
        self._tick(report)
        return article.id

    def build_article(self, draft: Draft) -> tuple[Article, Outlet | None, Any]:
        text = clean_text(draft.text).strip()
        if len(text.split()) < self.options.min_words:
            raise IngestError(draft.source_ref, f"only {len(text.split())} words of text",
                              "an article needs at least a sentence; check the input")
        published, precision = parse_published(draft.published, date_order=self.options.date_order)
        outlet = draft.outlet or outlet_for(self.options.outlet or draft.outlet_name, draft.url)
        language, score = detect_language(text)
        article = Article(
            text=text, title=clean_text(draft.title or "").strip() or None, url=draft.url, outlet=outlet.name if outlet else None,
            published_at=published, published_precision=precision if published else DatePrecision.UNKNOWN,
            author=draft.author, language=language, language_score=score,
            raw_sha256=sha256_hex(draft.raw if draft.raw is not None else text.encode("utf-8")),
            retrieved_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), source_ref=draft.source_ref,
            metadata=_jsonable(draft.metadata),
        )
        return article, outlet, dedup.signature(text)

    def _mark_duplicate(self, article: Article, signature: Any, bands: list[int], report: IngestReport) -> None:
        best_id, best_score = None, 0.0
        for candidate in self.store.duplicate_candidates(bands):
            stored = self.store.signature(candidate)
            if stored is None:
                continue
            score = dedup.similarity(signature, dedup.from_bytes(stored))
            if score > best_score:
                best_id, best_score = candidate, score
        if best_id is None or best_score < self.options.duplicate_threshold:
            return
        original = self.store.article(best_id)
        if original is not None and original.duplicate_of:
            best_id = original.duplicate_of
        article.duplicate_of, article.duplicate_score = best_id, round(best_score, 4)
        report.duplicates.append((article.id, best_id, round(best_score, 4)))

    def _tick(self, report: IngestReport) -> None:
        if self.progress is not None:
            self.progress.update(1)
            self.progress.set_postfix_str(f"added {len(report.added)} failed {report.failed}", refresh=False)


def _feed_in_feed(source: str) -> IngestError:
    return IngestError(source, "a feed entry links to another feed, which is not followed",
                       "ingest that feed's URL on its own if it is wanted")


def _draft_meta(meta: dict[str, Any]) -> dict[str, Any]:
    allowed = {"url", "outlet", "outlet_name", "published", "author", "metadata", "title"}
    unknown = set(meta) - allowed - {"published_at"}
    if unknown:
        raise TypeError(f"unknown article fields: {', '.join(sorted(unknown))}")
    out = {k: v for k, v in meta.items() if k in allowed}
    if "published_at" in meta:
        out["published"] = meta["published_at"]
    if isinstance(out.get("outlet"), str):
        out["outlet_name"] = out.pop("outlet")
    return out


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return json.loads(json.dumps(value, default=str))
