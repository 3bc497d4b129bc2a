"""The embedded default store: one SQLite file (WAL, foreign keys, FTS5)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from claimscope.model import AnalysisResult, Article, Outlet
from claimscope.store.base import Store, StoreError

EXPORTABLE_TABLES = (
    "outlets", "articles", "sightings", "spans", "claims", "incidents", "incident_mentions",
    "casualty_figures", "technique_spans", "links", "reviews", "manual_edits",
)

# Tables an analyzer writes, in insertion order (figures refer to mentions, links to all).
_RESULT_TABLES = (
    ("spans", "spans"),
    ("claims", "claims"),
    ("mentions", "incident_mentions"),
    ("figures", "casualty_figures"),
    ("techniques", "technique_spans"),
    ("links", "links"),
)


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _migrations(dialect: str) -> list[tuple[int, str, str]]:
    folder = resources.files("claimscope.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class SQLiteStore(Store):
    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path).expanduser()
        self.url = f"sqlite:///{self.path}"
        if not readonly:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for database {self.path}: {exc}") from exc
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory; give --db a file path such as {self.path / 'claimscope.db'}")
        try:
            self.conn = sqlite3.connect(
                str(self.path), timeout=60, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 60000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a claimscope database ({exc}); point --db at a new file or a claimscope store"
            ) from exc
        self._lock = threading.RLock()
        self._depth = 0
        self._migrate()

    # -- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; nested calls join the outer transaction."""
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, name, script in _migrations("sqlite"):
            if version in applied:
                continue
            stamp = json.dumps(utcnow())
            try:
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\n;INSERT INTO schema_migrations VALUES ({version}, {json.dumps(name)}, {stamp});\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                if "fts5" in str(exc).lower():
                    raise StoreError("this Python's SQLite lacks FTS5; install a Python built with a recent SQLite") from exc
                raise StoreError(f"migration {name} failed on {self.path}: {exc}") from exc

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # -- settings --------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      (key, json.dumps(value)))

    # -- outlets ---------------------------------------------------------------
    def upsert_outlet(self, outlet: Outlet) -> int:
        with self.transaction() as c:
            row = None
            if outlet.domain:
                row = c.execute("SELECT * FROM outlets WHERE domain = ?", (outlet.domain,)).fetchone()
            if row is None:
                row = c.execute("SELECT * FROM outlets WHERE name = ?", (outlet.name,)).fetchone()
            if row is None:
                cur = c.execute(
                    "INSERT INTO outlets(name, domain, country, language, kind, owner) VALUES (?,?,?,?,?,?)",
                    (outlet.name, outlet.domain, outlet.country, outlet.language, str(outlet.kind), outlet.owner),
                )
                return int(cur.lastrowid)
            updates = {}
            for column in ("domain", "country", "language", "owner"):
                value = getattr(outlet, column)
                if value and not row[column]:
                    updates[column] = value
            if str(outlet.kind) != "unknown" and row["kind"] == "unknown":
                updates["kind"] = str(outlet.kind)
            if updates:
                assignments = ", ".join(f"{k} = ?" for k in updates)
                c.execute(f"UPDATE outlets SET {assignments} WHERE id = ?", (*updates.values(), row["id"]))
            return int(row["id"])

    def _outlet_from_row(self, row: sqlite3.Row) -> Outlet:
        return Outlet(id=row["id"], name=row["name"], domain=row["domain"], country=row["country"],
                      language=row["language"], kind=row["kind"], owner=row["owner"])

    def outlets(self) -> list[Outlet]:
        return [self._outlet_from_row(r) for r in self.conn.execute("SELECT * FROM outlets ORDER BY name")]

    def outlet(self, outlet_id: int) -> Outlet | None:
        row = self.conn.execute("SELECT * FROM outlets WHERE id = ?", (outlet_id,)).fetchone()
        return self._outlet_from_row(row) if row else None

    # -- articles --------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, *, minhash_bands: list[int] | None = None,
                    signature: bytes | None = None, outlet: Outlet | None = None) -> bool:
        now = utcnow()
        with self.transaction() as c:
            outlet_id = article.outlet_id
            if outlet is not None:
                outlet_id = self.upsert_outlet(outlet)
            elif article.outlet and outlet_id is None:
                outlet_id = self.upsert_outlet(Outlet(name=article.outlet))
            is_new = not self.has_article(article.id)
            if is_new:
                c.execute(
                    """INSERT INTO articles(id, url, outlet_id, published_at, published_precision, title, text,
                       language, language_score, author, raw_sha256, retrieved_at, source_ref, duplicate_of,
                       duplicate_score, word_count, metadata, ingested_at)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    (article.id, article.url, outlet_id, article.published_at, str(article.published_precision),
                     article.title, article.text, article.language, article.language_score, article.author,
                     article.raw_sha256, article.retrieved_at or now, article.source_ref, article.duplicate_of,
                     article.duplicate_score, article.word_count, json.dumps(article.metadata, ensure_ascii=False),
                     now),
                )
                if minhash_bands:
                    c.executemany(
                        "INSERT OR IGNORE INTO minhash_bands(band, hash, article_id) VALUES (?,?,?)",
                        [(i, h, article.id) for i, h in enumerate(minhash_bands)],
                    )
                if signature is not None:
                    c.execute("INSERT INTO minhash_signatures VALUES (?, ?)", (article.id, signature))
            c.execute(
                """INSERT OR IGNORE INTO sightings(article_id, source_ref, url, outlet_id, raw_sha256, retrieved_at)
                   VALUES (?,?,?,?,?,?)""",
                (article.id, article.source_ref, article.url, outlet_id, article.raw_sha256, article.retrieved_at or now),
            )
            article.outlet_id = outlet_id
            return is_new

    _ARTICLE_SELECT = """SELECT a.*, o.name AS outlet_name FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id"""

    def _article_from_row(self, row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"], text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet_name"],
            outlet_id=row["outlet_id"], published_at=row["published_at"],
            published_precision=row["published_precision"], author=row["author"], language=row["language"],
            language_score=row["language_score"], raw_sha256=row["raw_sha256"], retrieved_at=row["retrieved_at"],
            source_ref=row["source_ref"], duplicate_of=row["duplicate_of"], duplicate_score=row["duplicate_score"],
            metadata=json.loads(row["metadata"] or "{}"),
        )

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(self._ARTICLE_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 6:
            rows = self.conn.execute(
                self._ARTICLE_SELECT + " WHERE a.id LIKE ? LIMIT 2", (article_id.replace("%", "") + "%",)
            ).fetchall()
            if len(rows) > 1:
                raise StoreError(f"article id prefix {article_id!r} is ambiguous; give more characters")
            row = rows[0] if rows else None
        return self._article_from_row(row) if row else None

    def articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 language: str | None = None, include_duplicates: bool = True, limit: int | None = 100,
                 offset: int = 0) -> list[Article]:
        where, params = [], []
        if outlet:
            where.append("(o.name = ? OR o.domain = ?)")
            params += [outlet, outlet]
        if since:
            where.append("a.published_at >= ?")
            params.append(since)
        if until:
            # until is inclusive of the whole day given
            where.append("substr(a.published_at, 1, length(?)) <= ?")
            params += [until, until]
        if language:
            where.append("a.language = ?")
            params.append(language)
        if not include_duplicates:
            where.append("a.duplicate_of IS NULL")
        sql = self._ARTICLE_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published_at IS NULL, a.published_at, a.id LIMIT ? OFFSET ?"
        params += [-1 if limit is None else int(limit), int(offset)]
        return [self._article_from_row(r) for r in self.conn.execute(sql, params)]

    def article_ids(self) -> Iterator[str]:
        for row in self.conn.execute("SELECT id FROM articles ORDER BY rowid"):
            yield row[0]

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        fts_query = _fts_query(query)
        if not fts_query:
            return []
        sql = """SELECT a.id AS article_id, a.title, a.published_at, o.name AS outlet,
                        snippet(articles_fts, 1, '[', ']', ' … ', 14) AS snippet, bm25(articles_fts) AS score
                 FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
                 LEFT JOIN outlets o ON o.id = a.outlet_id
                 WHERE articles_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?"""
        return [dict(r) for r in self.conn.execute(sql, (fts_query, limit, offset))]

    # -- near-duplicate index --------------------------------------------------
    def duplicate_candidates(self, bands: list[int]) -> list[str]:
        if not bands:
            return []
        clauses = " OR ".join("(band = ? AND hash = ?)" for _ in bands)
        params: list[int] = []
        for i, h in enumerate(bands):
            params += [i, h]
        rows = self.conn.execute(f"SELECT DISTINCT article_id FROM minhash_bands WHERE {clauses}", params)
        return [r[0] for r in rows]

    def signature(self, article_id: str) -> bytes | None:
        row = self.conn.execute("SELECT signature FROM minhash_signatures WHERE article_id = ?", (article_id,)).fetchone()
        return bytes(row[0]) if row else None

    # -- analysis --------------------------------------------------------------
    def pending_articles(self, analyzer: str, version: str) -> list[str]:
        rows = self.conn.execute(
            """SELECT a.id FROM articles a LEFT JOIN analysis_runs r
               ON r.article_id = a.id AND r.analyzer = ?
               WHERE r.analyzer_version IS NULL OR r.analyzer_version != ? ORDER BY a.rowid""",
            (analyzer, version),
        )
        return [r[0] for r in rows]

    def finished_analyzers(self, article_id: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT analyzer, analyzer_version FROM analysis_runs WHERE article_id = ?", (article_id,)
        )
        return {r[0]: r[1] for r in rows}

    def save_analysis(self, article_id: str, results: Iterable[tuple[str, str, AnalysisResult]]) -> None:
        now = utcnow()
        with self.transaction() as c:
            refs: dict[str, int] = {}  # "@producer/collection/index" -> inserted row id
            for producer, version, result in results:
                c.execute("DELETE FROM links WHERE article_id = ? AND producer = ? AND manual = 0", (article_id, producer))
                for _, table in reversed(_RESULT_TABLES):
                    if table != "links":
                        c.execute(f"DELETE FROM {table} WHERE article_id = ? AND producer = ?", (article_id, producer))
                for collection, table in _RESULT_TABLES:
                    for index, record in enumerate(getattr(result, collection)):
                        row = record.to_dict()
                        row.pop("id", None)
                        row["producer"], row["producer_version"] = producer, version
                        if collection == "links":
                            row["article_id"] = article_id
                            row["created_at"] = now
                            row["from_id"] = str(_resolve_ref(row["from_id"], refs))
                            row["to_id"] = str(_resolve_ref(row["to_id"], refs))
                        else:
                            row["article_id"] = article_id
                        if collection == "figures" and row.get("mention_id") is not None:
                            row["mention_id"] = _resolve_ref(row["mention_id"], refs)
                        if collection == "mentions":
                            row.pop("incident_id", None)  # set by clustering, not by the per-article analyzer
                        for key in ("attrs", "evidence", "metadata"):
                            if key in row and not isinstance(row[key], str):
                                row[key] = json.dumps(row[key], ensure_ascii=False)
                        for key, value in list(row.items()):
                            if isinstance(value, bool):
                                row[key] = int(value)
                        columns = ", ".join(f'"{k}"' for k in row)
                        marks = ", ".join("?" for _ in row)
                        cur = c.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
                        refs[f"@{producer}/{collection}/{index}"] = int(cur.lastrowid)
                if result.claim_vectors:
                    c.execute("DELETE FROM claim_vectors WHERE claim_id IN (SELECT id FROM claims WHERE article_id = ?)"
                              " AND model = ?", (article_id, f"{producer}/{version}"))
                    c.executemany("INSERT OR REPLACE INTO claim_vectors(claim_id, model, vector) VALUES (?,?,?)",
                                  [(_resolve_ref(ref, refs), f"{producer}/{version}", blob)
                                   for ref, blob in result.claim_vectors])
                c.execute(
                    """INSERT INTO analysis_runs(article_id, analyzer, analyzer_version, finished_at) VALUES (?,?,?,?)
                       ON CONFLICT(article_id, analyzer) DO UPDATE SET analyzer_version = excluded.analyzer_version,
                       finished_at = excluded.finished_at""",
                    (article_id, producer, version, now),
                )

    def _select(self, table: str, filters: dict[str, Any], order: str, limit: int | None, offset: int,
                extra: tuple[str, list[Any]] | None = None) -> list[dict[str, Any]]:
        where, params = [], []
        for column, value in filters.items():
            if value is not None:
                where.append(f'"{column}" = ?')
                params.append(value)
        if extra:
            where.append(extra[0])
            params += extra[1]
        sql = f"SELECT * FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        params += [-1 if limit is None else int(limit), int(offset)]
        out = []
        for row in self.conn.execute(sql, params):
            item = dict(row)
            for key in ("attrs", "evidence", "metadata"):
                if key in item and isinstance(item[key], str):
                    item[key] = json.loads(item[key])
            out.append(item)
        return out

    def spans(self, article_id: str, *, label_prefix: str | None = None) -> list[dict[str, Any]]:
        extra = ("label LIKE ?", [label_prefix + "%"]) if label_prefix else None
        return self._select("spans", {"article_id": article_id}, "start, end", None, 0, extra)

    def claims(self, *, article_id: str | None = None, claim_type: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("claims", {"article_id": article_id, "claim_type": claim_type},
                            "article_id, content_start", limit, offset)

    def technique_spans(self, *, article_id: str | None = None, technique: str | None = None,
                        limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("technique_spans", {"article_id": article_id, "technique": technique},
                            "article_id, start", limit, offset)

    def incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                          limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("incident_mentions", {"article_id": article_id, "event_type": event_type},
                            "article_id, start", limit, offset)

    def links(self, *, kind: str | None = None, from_type: str | None = None,
              from_id: str | int | None = None) -> list[dict[str, Any]]:
        return self._select("links", {"kind": kind, "from_type": from_type,
                                      "from_id": None if from_id is None else str(from_id)}, "id", None, 0)

    def claim_vectors(self, *, after_claim_id: int = 0, limit: int = 50_000) -> list[tuple[int, bytes]]:
        rows = self.conn.execute("SELECT claim_id, vector FROM claim_vectors WHERE claim_id > ? ORDER BY claim_id LIMIT ?",
                                 (after_claim_id, limit))
        return [(int(r[0]), bytes(r[1])) for r in rows]

    def claim_vector_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM claim_vectors").fetchone()[0])

    def claims_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" for _ in chunk)
            rows = self._select("claims", {}, "id", None, 0, (f"id IN ({marks})", chunk))
            out.update({r["id"]: r for r in rows})
        return out

    def stats(self) -> dict[str, int]:
        def count(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0])

        return {
            "articles": count("SELECT count(*) FROM articles"),
            "duplicates": count("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
            "outlets": count("SELECT count(*) FROM outlets"),
            "spans": count("SELECT count(*) FROM spans"),
            "claims": count("SELECT count(*) FROM claims"),
            "incident_mentions": count("SELECT count(*) FROM incident_mentions"),
            "incidents": count("SELECT count(*) FROM incidents"),
            "techniques": count("SELECT count(*) FROM technique_spans"),
            "links": count("SELECT count(*) FROM links"),
        }

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table not in EXPORTABLE_TABLES:
            raise StoreError(f"unknown table {table!r}; choose one of {', '.join(EXPORTABLE_TABLES)}")
        for row in self.conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            item = dict(row)
            for key in ("attrs", "evidence", "metadata", "payload"):
                if key in item and isinstance(item[key], str):
                    with contextlib.suppress(ValueError):
                        item[key] = json.loads(item[key])
            yield item


def _resolve_ref(value: Any, refs: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        try:
            return refs[value]
        except KeyError:
            raise StoreError(f"analysis result refers to {value}, which no earlier analyzer produced") from None
    return value


def _fts_query(query: str) -> str:
    """Turn what a user types into a safe FTS5 query.

    Bare words are ANDed; "quoted phrases" stay phrases; a trailing * keeps prefix search;
    OR/NOT between terms are honoured. Anything else is quoted, so user input can never
    be an FTS5 syntax error.
    """
    import re

    tokens = re.findall(r'"[^"]*"|\S+', query)
    parts = []
    for token in tokens:
        if token in ("OR", "NOT", "AND"):
            parts.append(token)
            continue
        prefix = token.endswith("*") and not token.startswith('"')
        core = token.strip('"').rstrip("*").replace('"', "")
        if not core.strip():
            continue
        parts.append('"' + core + '"' + ("*" if prefix else ""))
    while parts and parts[0] in ("OR", "NOT", "AND"):
        parts.pop(0)
    while parts and parts[-1] in ("OR", "NOT", "AND"):
        parts.pop()
    return " ".join(parts)
