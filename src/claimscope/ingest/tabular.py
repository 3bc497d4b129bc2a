"""CSV and JSONL datasets: one article per row, columns mapped by name."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimscope.ingest.decoding import decode_bytes, looks_binary
from claimscope.ingest.errors import IngestError

# Column names tried, in order, when the user gives no mapping.
DEFAULT_COLUMNS = {
    "text": ("text", "content", "body", "article_content", "article_text", "article", "story", "full_text"),
    "title": ("title", "headline", "article_title", "name"),
    "date": ("published_at", "publication_date", "published", "pubdate", "publish_date", "date"),
    "outlet": ("outlet", "source", "publisher", "site_name", "sitename", "site", "media"),
    "url": ("url", "link", "article_url", "source_url"),
    "author": ("author", "byline", "authors"),
}


@dataclass
class ColumnMapping:
    text: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None

    def resolve(self, columns: list[str], source: str) -> dict[str, str | None]:
        lowered = {c.lower().strip(): c for c in columns}
        resolved: dict[str, str | None] = {}
        for role, candidates in DEFAULT_COLUMNS.items():
            given = getattr(self, role)
            if given:
                if given not in columns and given.lower() not in lowered:
                    raise IngestError(source, f"no column named {given!r} (columns: {', '.join(columns)})",
                                      f"fix --{role}-col")
                resolved[role] = given if given in columns else lowered[given.lower()]
            else:
                resolved[role] = next((lowered[c] for c in candidates if c in lowered), None)
        if not resolved["text"]:
            raise IngestError(source, f"cannot tell which column holds the article text (columns: {', '.join(columns)})",
                              "name it with --text-col")
        return resolved


@dataclass
class Row:
    line: int
    values: dict[str, str | None]
    extra: dict[str, object] = field(default_factory=dict)


def _open_text(path: Path, max_bytes: int) -> io.TextIOBase:
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head:
        raise IngestError(str(path), "empty file", "check the file")
    binary = looks_binary(head)
    if binary:
        raise IngestError(str(path), f"looks like {binary}, not CSV/JSONL text", "export the dataset as UTF-8 CSV or JSONL")
    _, encoding = decode_bytes(head[: head.rfind(b"\n") + 1] or head, str(path))
    return path.open("r", encoding=encoding, errors="replace", newline="")


def read_csv(path: Path, mapping: ColumnMapping, max_bytes: int, delimiter: str | None = None) -> Iterator[Row | IngestError]:
    csv.field_size_limit(max(max_bytes, 131072))
    with _open_text(path, max_bytes) as fh:
        sample = fh.read(65536)
        fh.seek(0)
        if delimiter is None:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                pass
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except (StopIteration, csv.Error) as exc:
            raise IngestError(str(path), f"no header row ({exc or 'empty'})", "the first row must name the columns") from None
        header = [h.lstrip("\ufeff").strip() for h in header]
        columns = mapping.resolve(header, str(path))
        used = {c for c in columns.values() if c}
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield IngestError(f"{path}:{line}", f"malformed CSV row ({exc})", "fix or remove the row; the others are ingested")
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield IngestError(f"{path}:{line}", f"row has {len(cells)} fields, the header has {len(header)}",
                                  "check quoting in this row; the others are ingested")
                continue
            record = dict(zip(header, cells))
            yield Row(line=line, values={role: record.get(col) if col else None for role, col in columns.items()},
                      extra={k: v for k, v in record.items() if k not in used and v != ""})


def read_jsonl(path: Path, mapping: ColumnMapping, max_bytes: int) -> Iterator[Row | IngestError]:
    with _open_text(path, max_bytes) as fh:
        columns: dict[str, str | None] | None = None
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield IngestError(f"{path}:{line_no}", f"line is over the {max_bytes:,}-byte limit", "split or shorten it")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield IngestError(f"{path}:{line_no}", f"not valid JSON ({exc.msg} at column {exc.colno})",
                                  "fix or remove the line; the others are ingested")
                continue
            except RecursionError:
                yield IngestError(f"{path}:{line_no}", "JSON nested too deeply to read",
                                  "an article record is a flat object; fix or remove the line")
                continue
            if not isinstance(record, dict):
                yield IngestError(f"{path}:{line_no}", f"expected a JSON object, got {type(record).__name__}",
                                  "each line must be one object such as {\"text\": ...}")
                continue
            if columns is None:
                columns = mapping.resolve(list(record), str(path))
            used = {c for c in columns.values() if c}
            values = {}
            for role, col in columns.items():
                value = record.get(col) if col else None
                values[role] = None if value is None else (value if isinstance(value, str) else json.dumps(value) if role == "text" else str(value))
            yield Row(line=line_no, values=values, extra={k: v for k, v in record.items() if k not in used})
