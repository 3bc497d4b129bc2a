"""The embedded default store: one SQLite file (WAL, foreign keys, FTS5)."""

from __future__ import annotations

import contextlib
import json
import re
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
    "narratives",  # issue 6 (linking)
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


    def table_columns(self, table: str) -> list[str]:
        if table not in EXPORTABLE_TABLES:
            raise StoreError(f"unknown table {table!r}; choose one of {', '.join(EXPORTABLE_TABLES)}")
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    # -- corpus-level linking (issue 6, claimscope.linking) -----------------------------
    def article_meta(self) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(
            """SELECT a.id, a.title, a.published_at, a.published_precision, a.outlet_id, a.duplicate_of,
                      o.name AS outlet, o.kind AS outlet_kind, o.owner AS owner
               FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id""")
        return {r["id"]: dict(r) for r in rows}

    def casualty_figures(self, *, article_id: str | None = None,
                         mention_ids: list[int] | None = None) -> list[dict[str, Any]]:
        if mention_ids is None:
            return self._select("casualty_figures", {"article_id": article_id}, "article_id, start", None, 0)
        out: list[dict[str, Any]] = []
        for start in range(0, len(mention_ids), 500):
            chunk = [int(i) for i in mention_ids[start:start + 500]]
            marks = ",".join("?" for _ in chunk)
            out += self._select("casualty_figures", {"article_id": article_id}, "article_id, start", None, 0,
                                (f"mention_id IN ({marks})", chunk))
        return out

    def incidents(self, *, ids: list[int] | None = None, limit: int | None = None,
                  offset: int = 0) -> list[dict[str, Any]]:
        sql = """SELECT i.*, (SELECT count(*) FROM incident_mentions m WHERE m.incident_id = i.id) AS mention_count,
                        (SELECT count(DISTINCT m.article_id) FROM incident_mentions m
                         WHERE m.incident_id = i.id) AS article_count
                 FROM incidents i"""
        params: list[Any] = []
        if ids is not None:
            if not ids:
                return []
            sql += f" WHERE i.id IN ({','.join('?' for _ in ids)})"
            params += [int(i) for i in ids]
        sql += " ORDER BY i.date_start IS NULL, i.date_start DESC, i.id LIMIT ? OFFSET ?"
        out = self._query(sql, params + [-1 if limit is None else int(limit), int(offset)])
        for row in out:
            row["locked"] = bool(row["locked"])
        return out

    def mentions_of_incident(self, incident_id: int) -> list[dict[str, Any]]:
        sql = """SELECT m.*, a.title AS article_title, a.published_at, a.outlet_id, a.duplicate_of,
                        o.name AS outlet, o.kind AS outlet_kind, o.owner AS owner
                 FROM incident_mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN outlets o ON o.id = a.outlet_id
                 WHERE m.incident_id = ? ORDER BY a.published_at IS NULL, a.published_at, m.article_id, m.start"""
        return self._query(sql, [int(incident_id)])

    def manual_edits(self, *, kind_prefix: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM manual_edits", []
        if kind_prefix:
            sql += " WHERE kind LIKE ?"
            params.append(kind_prefix.replace("%", "") + "%")
        out = []
        for row in self.conn.execute(sql + " ORDER BY id", params):
            item = dict(row)
            item["payload"] = json.loads(item["payload"])
            out.append(item)
        return out

    def add_manual_edit(self, kind: str, payload: dict[str, Any], author: str | None = None) -> int:
        with self.transaction() as c:
            cur = c.execute("INSERT INTO manual_edits(kind, payload, author, created_at) VALUES (?,?,?,?)",
                            (kind, json.dumps(payload, ensure_ascii=False), author, utcnow()))
            return int(cur.lastrowid)

    def narratives(self, *, ids: list[int] | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM narratives", []
        if ids is not None:
            if not ids:
                return []
            sql += f" WHERE id IN ({','.join('?' for _ in ids)})"
            params += [int(i) for i in ids]
        sql += " ORDER BY outlet_count DESC, claim_count DESC, id LIMIT ? OFFSET ?"
        return self._query(sql, params + [-1 if limit is None else int(limit), int(offset)])

    def linking_fingerprint(self) -> dict[str, Any]:
        def pair(table: str) -> list[int]:
            row = self.conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}").fetchone()
            return [int(row[0]), int(row[1])]

        runs = self.conn.execute("SELECT count(*), coalesce(max(finished_at), '') FROM analysis_runs").fetchone()
        return {"mentions": pair("incident_mentions"), "claims": pair("claims"), "figures": pair("casualty_figures"),
                "edits": pair("manual_edits"), "articles": int(self.conn.execute("SELECT count(*) FROM articles")
                                                             .fetchone()[0]),
                "vectors": self.claim_vector_count(), "runs": [int(runs[0]), str(runs[1])],
                "duplicates": int(self.conn.execute("SELECT count(duplicate_of) FROM articles").fetchone()[0]),
                "outlets": [[r[0], r[1], r[2]] for r in self.conn.execute("SELECT id, kind, owner FROM outlets ORDER BY id")]}

    def save_linking(self, *, incidents: list[dict[str, Any]], mention_incident: dict[int, int],
                     links: list[Any], narratives: list[dict[str, Any]], state: dict[str, Any]) -> None:
        now = utcnow()
        with self.transaction() as c:
            c.execute("DELETE FROM links WHERE producer = 'linking' AND manual = 0")
            c.execute("DELETE FROM narratives")
            c.execute("UPDATE incident_mentions SET incident_id = NULL WHERE incident_id IS NOT NULL")
            c.execute("DELETE FROM incidents")
            columns = ("id", "event_type", "label", "agent", "date_start", "date_end", "date_precision", "place_name",
                       "latitude", "longitude", "geo_precision", "evidence", "locked", "attrs")
            rows = []
            for inc in incidents:
                row = [inc.get(k) for k in columns]
                row[columns.index("evidence")] = json.dumps(inc.get("evidence") or [], ensure_ascii=False)
                row[columns.index("attrs")] = json.dumps(inc.get("attrs") or {}, ensure_ascii=False)
                row[columns.index("locked")] = int(bool(inc.get("locked")))
                rows.append([*row, now])
            c.executemany(f"INSERT INTO incidents ({', '.join(columns)}, updated_at) "
                          f"VALUES ({', '.join('?' for _ in columns)}, ?)", rows)
            c.executemany("UPDATE incident_mentions SET incident_id = ? WHERE id = ?",
                          [(int(i), int(m)) for m, i in mention_incident.items()])
            ncols = ("id", "label", "representative_claim_id", "first_seen", "last_seen", "claim_count",
                     "article_count", "outlet_count", "method", "attrs")
            c.executemany(f"INSERT INTO narratives ({', '.join(ncols)}, updated_at) VALUES ({', '.join('?' for _ in ncols)}, ?)",
                          [[*(json.dumps(n.get(k) or {}, ensure_ascii=False) if k == "attrs" else n.get(k)
                              for k in ncols), now] for n in narratives])
            link_rows = []
            for link in links:
                row = link.to_dict() if hasattr(link, "to_dict") else dict(link)
                link_rows.append((str(row["kind"]), row["from_type"], str(row["from_id"]), row["to_type"],
                                  str(row["to_id"]), row.get("score"), row.get("label"), "linking",
                                  row.get("producer_version") or "", json.dumps(row.get("attrs") or {}, ensure_ascii=False),
                                  now))
            c.executemany("""INSERT INTO links(kind, from_type, from_id, to_type, to_id, score, label, manual, article_id,
                             producer, producer_version, attrs, created_at) VALUES (?,?,?,?,?,?,?,0,NULL,?,?,?,?)""",
                          link_rows)
            c.execute("INSERT INTO settings(key, value) VALUES ('linking.state', ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (json.dumps(state),))

    # -- queries for the REST API and web UI (issue 7) ----------------------------
    def _common_filters(self, where: list[str], params: list[Any], *, outlet: str | None, since: str | None,
                        until: str | None, claim_type: str | None = None, technique: str | None = None,
                        event_type: str | None = None, place: str | None = None) -> None:
        """Add the filters shared by the find_* queries (``a`` is the articles alias)."""
        since, until = _iso_bound(since, "since"), _iso_bound(until, "until")
        if outlet:
            where.append("(o.name = ? OR o.domain = ? OR CAST(o.id AS TEXT) = ?)")
            params += [outlet, outlet, outlet]
        if since:
            where.append("a.published_at >= ?")
            params.append(since)
        if until:
            where.append("substr(a.published_at, 1, length(?)) <= ?")
            params += [until, until]
        if claim_type:
            where.append("EXISTS (SELECT 1 FROM claims fc WHERE fc.article_id = a.id AND fc.claim_type = ?)")
            params.append(claim_type)
        if technique:
            where.append("EXISTS (SELECT 1 FROM technique_spans ft WHERE ft.article_id = a.id AND ft.technique = ?)")
            params.append(technique)
        if event_type or place:
            clause = "EXISTS (SELECT 1 FROM incident_mentions fm WHERE fm.article_id = a.id"
            if event_type:
                clause += " AND fm.event_type = ?"
                params.append(event_type)
            if place:
                clause += " AND (lower(fm.place_name) = lower(?) OR fm.place_id = ? OR lower(fm.admin1) = lower(?))"
                params += [place, place, place]
            where.append(clause + ")")

    def _query(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        out = []
        for row in self.conn.execute(sql, params):
            item = dict(row)
            for key in ("attrs", "evidence", "metadata"):
                if key in item and isinstance(item[key], str):
                    item[key] = json.loads(item[key])
            out.append(item)
        return out

    def find_articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                      language: str | None = None, include_duplicates: bool = True, claim_type: str | None = None,
                      technique: str | None = None, event_type: str | None = None, place: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        self._common_filters(where, params, outlet=outlet, since=since, until=until, claim_type=claim_type,
                             technique=technique, event_type=event_type, place=place)
        if language:
            where.append("a.language = ?")
            params.append(language)
        if not include_duplicates:
            where.append("a.duplicate_of IS NULL")
        sql = """SELECT a.id, a.title, a.url, a.outlet_id, o.name AS outlet, o.kind AS outlet_kind, a.published_at,
                        a.published_precision, a.language, a.author, a.word_count, a.duplicate_of, a.duplicate_score,
                        a.source_ref,
                        (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims,
                        (SELECT count(*) FROM technique_spans t WHERE t.article_id = a.id) AS techniques,
                        (SELECT count(*) FROM incident_mentions m WHERE m.article_id = a.id) AS incident_mentions
                 FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published_at IS NULL, a.published_at DESC, a.id LIMIT ? OFFSET ?"
        return self._query(sql, params + [int(limit), int(offset)])

    def find_claims(self, *, article_id: str | None = None, claim_type: str | None = None,
                    polarity: str | None = None, source_kind: str | None = None, speaker: str | None = None,
                    text: str | None = None, outlet: str | None = None, since: str | None = None,
                    until: str | None = None, technique: str | None = None, event_type: str | None = None,
                    place: str | None = None, min_checkworthiness: float | None = None,
                    limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        self._common_filters(where, params, outlet=outlet, since=since, until=until, event_type=event_type,
                             place=place)
        for column, value in (("article_id", article_id), ("claim_type", claim_type), ("polarity", polarity),
                              ("source_kind", source_kind)):
            if value is not None:
                where.append(f"c.{column} = ?")
                params.append(value)
        if speaker:
            where.append("(c.speaker LIKE ? ESCAPE '\\' OR c.speaker_norm LIKE ? ESCAPE '\\')")
            params += [_like(speaker)] * 2
        for word in (text or "").split():
            where.append("(c.text LIKE ? ESCAPE '\\' OR c.speaker LIKE ? ESCAPE '\\')")
            params += [_like(word)] * 2
        if technique:
            where.append("""EXISTS (SELECT 1 FROM links l WHERE l.to_type = 'claim' AND l.to_id = CAST(c.id AS TEXT)
                            AND l.kind = 'technique_claim' AND l.label = ?)""")
            params.append(technique)
        if min_checkworthiness is not None:
            where.append("c.checkworthiness >= ?")
            params.append(float(min_checkworthiness))
        sql = """SELECT c.*, a.title AS article_title, a.published_at, a.outlet_id, o.name AS outlet
                 FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN outlets o ON o.id = a.outlet_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published_at IS NULL, a.published_at DESC, c.article_id, c.content_start, c.id LIMIT ? OFFSET ?"
        return self._query(sql, params + [int(limit), int(offset)])

    def find_incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                               place: str | None = None, outlet: str | None = None, since: str | None = None,
                               until: str | None = None, limit: int = 50,
                               offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        self._common_filters(where, params, outlet=outlet, since=None, until=None)
        if article_id:
            where.append("m.article_id = ?")
            params.append(article_id)
        if event_type:
            where.append("m.event_type = ?")
            params.append(event_type)
        if place:
            where.append("(lower(m.place_name) = lower(?) OR m.place_id = ? OR lower(m.admin1) = lower(?))")
            params += [place, place, place]
        since, until = _iso_bound(since, "since"), _iso_bound(until, "until")
        if since:  # the incident interval ends on or after `since`
            where.append("coalesce(m.date_end, m.date_start) >= ?")
            params.append(since)
        if until:
            where.append("substr(m.date_start, 1, length(?)) <= ?")
            params += [until, until]
        sql = """SELECT m.*, a.title AS article_title, a.published_at, a.outlet_id, o.name AS outlet
                 FROM incident_mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN outlets o ON o.id = a.outlet_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY m.date_start IS NULL, m.date_start DESC, m.article_id, m.start, m.id LIMIT ? OFFSET ?"
        return self._query(sql, params + [int(limit), int(offset)])

    def incident_mentions_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" for _ in chunk)
            rows = self._select("incident_mentions", {}, "id", None, 0, (f"id IN ({marks})", chunk))
            out.update({r["id"]: r for r in rows})
        return out

    def links_for_article(self, article_id: str, *, kind: str | None = None) -> list[dict[str, Any]]:
        return self._select("links", {"article_id": article_id, "kind": kind}, "id", None, 0)

    def outlet_profiles(self) -> list[dict[str, Any]]:
        profiles: dict[int | None, dict[str, Any]] = {}

        def profile(outlet_id: int | None) -> dict[str, Any]:
            return profiles.setdefault(outlet_id, {
                "outlet_id": outlet_id, "articles": 0, "words": 0, "duplicates": 0, "claims": 0,
                "claim_types": {}, "polarity": {}, "hedged": 0, "techniques": 0, "technique_labels": {},
                "stances": {}})

        for row in self.conn.execute("""SELECT outlet_id, count(*), coalesce(sum(word_count), 0),
                                        count(duplicate_of) FROM articles GROUP BY outlet_id"""):
            p = profile(row[0])
            p["articles"], p["words"], p["duplicates"] = int(row[1]), int(row[2]), int(row[3])
        for row in self.conn.execute("""SELECT a.outlet_id, c.claim_type, c.polarity, sum(c.hedged), count(*)
                                        FROM claims c JOIN articles a ON a.id = c.article_id
                                        GROUP BY a.outlet_id, c.claim_type, c.polarity"""):
            p = profile(row[0])
            p["claims"] += int(row[4])
            p["hedged"] += int(row[3] or 0)
            p["claim_types"][row[1]] = p["claim_types"].get(row[1], 0) + int(row[4])
            p["polarity"][row[2]] = p["polarity"].get(row[2], 0) + int(row[4])
        for row in self.conn.execute("""SELECT a.outlet_id, t.technique, count(*) FROM technique_spans t
                                        JOIN articles a ON a.id = t.article_id GROUP BY a.outlet_id, t.technique"""):
            p = profile(row[0])
            p["techniques"] += int(row[2])
            p["technique_labels"][row[1]] = int(row[2])
        # stance links may be corpus-level (no owning article): reach the outlet through the claim
        for row in self.conn.execute("""SELECT a.outlet_id, coalesce(l.label, ''), count(*) FROM links l
                                        JOIN claims c ON c.id = CAST(l.from_id AS INTEGER)
                                        JOIN articles a ON a.id = c.article_id
                                        WHERE l.kind = 'stance' AND l.from_type = 'claim'
                                        GROUP BY a.outlet_id, l.label"""):
            profile(row[0])["stances"][row[1]] = int(row[2])
        return list(profiles.values())

    def technique_counts(self) -> dict[str, dict[str, int]]:
        out = {row[0]: {"spans": int(row[1]), "articles": int(row[2]), "claims": 0} for row in self.conn.execute(
            "SELECT technique, count(*), count(DISTINCT article_id) FROM technique_spans GROUP BY technique")}
        for row in self.conn.execute("""SELECT label, count(DISTINCT to_id) FROM links WHERE kind = 'technique_claim'
                                        AND to_type = 'claim' GROUP BY label"""):
            out.setdefault(row[0], {"spans": 0, "articles": 0, "claims": 0})["claims"] = int(row[1])
        return out

    def figures_for(self, *, article_ids: list[str] | None = None,
                    mention_ids: list[int] | None = None) -> list[dict[str, Any]]:
        article_ids, mention_ids = list(article_ids or []), [int(i) for i in mention_ids or []]
        if not article_ids and not mention_ids:
            return []
        clauses, params = [], []
        if article_ids:
            clauses.append(f"article_id IN ({','.join('?' for _ in article_ids)})")
            params += article_ids
        if mention_ids:
            clauses.append(f"mention_id IN ({','.join('?' for _ in mention_ids)})")
            params += mention_ids
        return self._query(f"SELECT * FROM casualty_figures WHERE {' OR '.join(clauses)} ORDER BY article_id, start",
                           params)

    def _links_where(self, side: str, kind_of: str, ids: list[int | str], kind: str | None) -> list[dict[str, Any]]:
        ids = [str(i) for i in ids]
        if not ids:
            return []
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = ids[start:start + 500]
            sql = f"SELECT * FROM links WHERE {side}_type = ? AND {side}_id IN ({','.join('?' for _ in chunk)})"
            params: list[Any] = [kind_of, *chunk]
            if kind is not None:
                sql += " AND kind = ?"
                params.append(kind)
            out += self._query(sql + " ORDER BY id", params)
        return out

    def links_to(self, to_type: str, to_ids: list[int | str], *, kind: str | None = None) -> list[dict[str, Any]]:
        return self._links_where("to", to_type, to_ids, kind)

    def links_from(self, from_type: str, from_ids: list[int | str], *,
                   kind: str | None = None) -> list[dict[str, Any]]:
        return self._links_where("from", from_type, from_ids, kind)


_ISO_BOUND = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ][0-9:.+\-Z]*)?)?)?")


def _iso_bound(value: str | None, name: str) -> str | None:
    """A date filter is compared as text with ISO dates, so anything but an ISO prefix is refused
    (otherwise "x" would silently compare after every date)."""
    if value is None or value == "":
        return None
    if not _ISO_BOUND.fullmatch(value):
        raise StoreError(f"{name} must be a date like 2019, 2019-11 or 2019-11-12, not {value[:40]!r}")
    return value


def _like(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere, with LIKE's wildcards escaped (ESCAPE '\\')."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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

    # FTS5 strings cannot hold NUL (an "unterminated string" error); no control character is a word
    query = "".join(" " if ch < " " or ch == "\x7f" else ch for ch in query)
    tokens = re.findall(r'"[^"]*"|\S+', query)
    parts: list[str] = []
    for token in tokens:
        if token in ("OR", "NOT", "AND"):
            if parts and parts[-1] not in ("OR", "NOT", "AND"):  # "a OR OR b" keeps the first operator
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
