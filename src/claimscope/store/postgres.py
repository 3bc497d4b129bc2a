"""The server store: PostgreSQL behind the same :class:`Store` interface as SQLite.

Selected by a database URL (``postgresql://user:password@host:5432/dbname`` or
``postgres://...``). Same schema, same semantics: every write method is one transaction,
re-ingest is idempotent, analysis bookkeeping resumes, manual edits and linking saves are
atomic. Full-text search uses a generated ``tsvector`` column with a GIN index; claim vectors
are stored as bytes exactly as in SQLite and searched by the in-process index
(:mod:`claimscope.index`). Needs ``psycopg`` 3: ``pip install 'claimscope[postgres]'``.
See docs/postgres.md.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from claimscope.model import AnalysisResult, Article, Outlet
from claimscope.store.base import Store, StoreError
from claimscope.store.sqlite import (
    _RESULT_TABLES,
    EXPORTABLE_TABLES,
    _iso_bound,
    _like,
    _migrations,
    _resolve_ref,
    utcnow,
)

try:  # the driver is an optional extra; open_store() explains how to install it
    import psycopg
    from psycopg.rows import dict_row, tuple_row
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None

# Articles' columns as the Store shows them (the table also holds seq and fts).
ARTICLE_COLUMNS = ("id", "url", "outlet_id", "published_at", "published_precision", "title", "text", "language",
                   "language_score", "author", "raw_sha256", "retrieved_at", "source_ref", "duplicate_of",
                   "duplicate_score", "word_count", "metadata", "ingested_at")
_ARTICLE_COLS = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
FTS_CONFIG = "claimscope_fts"
# ts_headline options giving a short window around the hits, marked like SQLite's snippet().
_HEADLINE = 'StartSel=[, StopSel=], MaxFragments=1, MaxWords=14, MinWords=6, FragmentDelimiter=" … "'
_MIGRATION_LOCK = 0x636C_6D73  # pg_advisory_lock key serialising migrations ("clms")
_LINKING_LOCK = 0x636C_6C6B  # serialises save_linking across processes ("cllk")
_PAGE = 2000  # rows per round trip when streaming a table
_JSON_KEYS = ("attrs", "evidence", "metadata")


def redact_url(url: str) -> str:
    """The URL without its password (in the netloc or as ?password=), for messages and reports."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = parts.query
    if query:
        pairs = [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        query = urlencode(pairs, safe="/*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def normalise_url(url: str) -> str:
    """Accept SQLAlchemy-style ``postgresql+psycopg://`` too; libpq wants ``postgresql://``."""
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url.strip(), flags=re.IGNORECASE)


def _param(value: Any) -> Any:
    """Plain Python values for the driver (enums by value, numpy scalars as Python numbers)."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "value") and hasattr(type(value), "__members__"):  # an Enum member
        return value.value
    if hasattr(value, "item") and not isinstance(value, (bytes, bytearray, memoryview, str)):
        return value.item()  # numpy scalar
    return value


def _decode(item: dict[str, Any], keys: tuple[str, ...] = _JSON_KEYS) -> dict[str, Any]:
    for key in keys:
        if key in item and isinstance(item[key], str):
            item[key] = json.loads(item[key])
    return item


class PostgresStore(Store):
    """A claimscope store in a PostgreSQL database (``postgresql://...``)."""

    def __init__(self, url: str, *, connect_timeout: int = 10):
        if psycopg is None:
            raise StoreError("PostgreSQL stores need the psycopg driver: pip install 'claimscope[postgres]'")
        self._conninfo = normalise_url(url)
        self.url = redact_url(self._conninfo)
        self._connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._depth = 0
        self.conn = self._connect()
        self._migrate()
        self.cache_key = f"{self.url}#{self.get_setting('store.instance')}"

    # -- lifecycle -------------------------------------------------------------
    def _connect(self):
        from psycopg.conninfo import conninfo_to_dict

        try:
            options = conninfo_to_dict(self._conninfo)
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"{self.url} is not a valid PostgreSQL URL ({exc}); "
                             "write postgresql://USER:PASSWORD@HOST:PORT/DBNAME") from None
        extra: dict[str, Any] = {"application_name": "claimscope"} if "application_name" not in options else {}
        if "connect_timeout" not in options:
            extra["connect_timeout"] = self._connect_timeout
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True, row_factory=dict_row, **extra)
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split())
            raise StoreError(
                f"cannot connect to PostgreSQL at {self.url}: {reason}. Check that the server is running and "
                "reachable, that the user and password are right and that the database exists "
                "(createdb DBNAME)") from None
        encoding = conn.execute("SHOW server_encoding").fetchone()["server_encoding"]
        if encoding.upper() not in ("UTF8", "UTF-8"):
            conn.close()
            raise StoreError(f"database at {self.url} uses encoding {encoding}; claimscope needs UTF8: "
                             "createdb --encoding=UTF8 --template=template0 DBNAME")
        return conn

    def _ensure_connection(self) -> None:
        """Reconnect a connection the server dropped (restart, idle timeout), outside transactions."""
        if self._depth == 0 and (self.conn.closed or self.conn.broken):
            self.conn = self._connect()

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):
            self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One atomic unit of work; nested calls join the outer transaction (as in SQLiteStore)."""
        with self._lock:
            if self._depth > 0:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self._ensure_connection()
            self._depth = 1
            try:
                with self.conn.transaction():
                    yield self.conn
            finally:
                self._depth = 0

    def _cursor(self, sql: str, params: Any = None, *, tuples: bool = False, binary: bool = False):
        with self._lock:
            self._ensure_connection()
            cur = self.conn.cursor(row_factory=tuple_row if tuples else dict_row)
            cur.execute(sql, None if params is None else [_param(p) for p in params], binary=binary)
            return cur

    def _all(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        with self._lock:
            return self._cursor(sql, params).fetchall()

    def _one(self, sql: str, params: Any = None) -> dict[str, Any] | None:
        with self._lock:
            return self._cursor(sql, params).fetchone()

    def _value(self, sql: str, params: Any = None) -> Any:
        with self._lock:
            row = self._cursor(sql, params, tuples=True).fetchone()
        return row[0] if row else None

    def _tuples(self, sql: str, params: Any = None, *, binary: bool = False) -> list[tuple]:
        """Rows as tuples; ``binary`` fetches in the binary protocol (bytea without hex decoding)."""
        with self._lock:
            return self._cursor(sql, params, tuples=True, binary=binary).fetchall()

    def _migrate(self) -> None:
        with self._lock:
            # one process migrates at a time; the others then find the work done
            self.conn.execute("SELECT pg_advisory_lock(%s)", [_MIGRATION_LOCK])
            try:
                self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                                  "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                applied = {r["version"] for r in self.conn.execute("SELECT version FROM schema_migrations")}
                for version, name, script in _migrations("postgres"):
                    if version in applied:
                        continue
                    try:
                        with self.conn.transaction():
                            self.conn.execute(script)  # no parameters: sent as one multi-statement script
                            self.conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                                              [version, name, utcnow()])
                    except psycopg.Error as exc:
                        raise StoreError(f"migration {name} failed on {self.url}: {' '.join(str(exc).split())}. "
                                         "The database was left as it was before this migration; check that the "
                                         "user may create tables in it (or that it is not another program's "
                                         "database)") from None
                # identifies this database for caches kept outside it (the vector index folder)
                self.conn.execute("INSERT INTO settings(key, value) VALUES ('store.instance', %s) "
                                  "ON CONFLICT (key) DO NOTHING", [json.dumps(uuid.uuid4().hex)])
            finally:
                with contextlib.suppress(psycopg.Error):
                    self.conn.execute("SELECT pg_advisory_unlock(%s)", [_MIGRATION_LOCK])

    def schema_version(self) -> int:
        return int(self._value("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    def table_columns(self, table: str) -> list[str]:
        if table not in EXPORTABLE_TABLES:
            raise StoreError(f"unknown table {table!r}; choose one of {', '.join(EXPORTABLE_TABLES)}")
        if table == "articles":
            return list(ARTICLE_COLUMNS)
        rows = self._tuples("""SELECT column_name FROM information_schema.columns
                               WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position""",
                            [table])
        return [r[0] for r in rows]

    # -- settings --------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        value = self._value("SELECT value FROM settings WHERE key = %s", [key])
        return json.loads(value) if value is not None else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                      "SET value = excluded.value", [key, json.dumps(value)])

    # -- outlets ---------------------------------------------------------------
    def upsert_outlet(self, outlet: Outlet) -> int:
        with self.transaction() as c:
            row = self._find_outlet(outlet)
            if row is None:
                inserted = c.execute(
                    "INSERT INTO outlets(name, domain, country, language, kind, owner) VALUES (%s,%s,%s,%s,%s,%s) "
                    "ON CONFLICT DO NOTHING RETURNING id",
                    [outlet.name, outlet.domain, outlet.country, outlet.language, str(outlet.kind), outlet.owner],
                ).fetchone()
                if inserted is not None:
                    return int(inserted["id"])
                row = self._find_outlet(outlet)  # another writer inserted it meanwhile
                if row is None:
                    raise StoreError(f"outlet {outlet.name!r} conflicts with a stored outlet's name or domain")
            updates = {}
            for column in ("domain", "country", "language", "owner"):
                value = getattr(outlet, column)
                if value and not row[column]:
                    updates[column] = value
            if str(outlet.kind) != "unknown" and row["kind"] == "unknown":
                updates["kind"] = str(outlet.kind)
            if updates:
                assignments = ", ".join(f"{k} = %s" for k in updates)
                c.execute(f"UPDATE outlets SET {assignments} WHERE id = %s", [*updates.values(), row["id"]])
            return int(row["id"])

    def _find_outlet(self, outlet: Outlet) -> dict[str, Any] | None:
        row = None
        if outlet.domain:
            row = self._one("SELECT * FROM outlets WHERE domain = %s", [outlet.domain])
        if row is None:
            row = self._one("SELECT * FROM outlets WHERE name = %s", [outlet.name])
        return row

    @staticmethod
    def _outlet_from_row(row: dict[str, Any]) -> Outlet:
        return Outlet(id=row["id"], name=row["name"], domain=row["domain"], country=row["country"],
                      language=row["language"], kind=row["kind"], owner=row["owner"])

    def outlets(self) -> list[Outlet]:
        return [self._outlet_from_row(r) for r in self._all("SELECT * FROM outlets ORDER BY name")]

    def outlet(self, outlet_id: int) -> Outlet | None:
        row = self._one("SELECT * FROM outlets WHERE id = %s", [int(outlet_id)])
        return self._outlet_from_row(row) if row else None

    # -- articles --------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self._value("SELECT 1 FROM articles WHERE id = %s", [article_id]) is not None

    def add_article(self, article: Article, *, minhash_bands: list[int] | None = None,
                    signature: bytes | None = None, outlet: Outlet | None = None) -> bool:
        for name in ("text", "title"):
            if "\x00" in (getattr(article, name) or ""):
                raise StoreError(f"article {article.id} ({article.source_ref or 'no source'}) has a NUL character "
                                 f"in its {name}, which PostgreSQL cannot store; remove NUL characters from the "
                                 "input (they are never meaningful in article text)")
        now = utcnow()
        with self.transaction() as c:
            outlet_id = article.outlet_id
            if outlet is not None:
                outlet_id = self.upsert_outlet(outlet)
            elif article.outlet and outlet_id is None:
                outlet_id = self.upsert_outlet(Outlet(name=article.outlet))
            inserted = c.execute(
                f"""INSERT INTO articles({', '.join(ARTICLE_COLUMNS)})
                    VALUES ({', '.join('%s' for _ in ARTICLE_COLUMNS)}) ON CONFLICT (id) DO NOTHING RETURNING id""",
                [_param(v) for v in (
                    article.id, article.url, outlet_id, article.published_at, str(article.published_precision),
                    article.title, article.text, article.language, article.language_score, article.author,
                    article.raw_sha256, article.retrieved_at or now, article.source_ref, article.duplicate_of,
                    article.duplicate_score, article.word_count, json.dumps(article.metadata, ensure_ascii=False),
                    now)],
            ).fetchone()
            is_new = inserted is not None
            if is_new:
                if minhash_bands:
                    c.execute("""INSERT INTO minhash_bands(band, hash, article_id)
                                 SELECT b.ord - 1, b.hash, %s FROM unnest(%s::bigint[]) WITH ORDINALITY AS b(hash, ord)
                                 ON CONFLICT DO NOTHING""", [article.id, [int(h) for h in minhash_bands]])
                if signature is not None:
                    c.execute("INSERT INTO minhash_signatures VALUES (%s, %s)", [article.id, bytes(signature)])
            c.execute(
                """INSERT INTO sightings(article_id, source_ref, url, outlet_id, raw_sha256, retrieved_at)
                   VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING""",
                [article.id, article.source_ref, article.url, outlet_id, article.raw_sha256,
                 article.retrieved_at or now],
            )
            article.outlet_id = outlet_id
            return is_new

    _ARTICLE_SELECT = f"SELECT {_ARTICLE_COLS}, o.name AS outlet_name FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id"

    @staticmethod
    def _article_from_row(row: dict[str, Any]) -> Article:
        return Article(
            id=row["id"], text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet_name"],
            outlet_id=row["outlet_id"], published_at=row["published_at"],
            published_precision=row["published_precision"], author=row["author"], language=row["language"],
            language_score=row["language_score"], raw_sha256=row["raw_sha256"], retrieved_at=row["retrieved_at"],
            source_ref=row["source_ref"], duplicate_of=row["duplicate_of"], duplicate_score=row["duplicate_score"],
            metadata=json.loads(row["metadata"] or "{}"),
        )

    def article(self, article_id: str) -> Article | None:
        row = self._one(self._ARTICLE_SELECT + " WHERE a.id = %s", [article_id])
        if row is None and len(article_id) >= 6:
            # SQLite's LIKE is case-insensitive for ASCII: ids are lowercase hex
            pattern = _like(article_id.lower())[1:]  # escaped, anchored at the start
            rows = self._all(self._ARTICLE_SELECT + " WHERE a.id LIKE %s ESCAPE '\\' LIMIT 2", [pattern])
            if len(rows) > 1:
                raise StoreError(f"article id prefix {article_id!r} is ambiguous; give more characters")
            row = rows[0] if rows else None
        return self._article_from_row(row) if row else None

    def articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 language: str | None = None, include_duplicates: bool = True, limit: int | None = 100,
                 offset: int = 0) -> list[Article]:
        where, params = [], []
        if outlet:
            where.append("(o.name = %s OR o.domain = %s)")
            params += [outlet, outlet]
        if since:
            where.append("a.published_at >= %s")
            params.append(since)
        if until:  # inclusive of the whole day given
            where.append("substr(a.published_at, 1, length(%s::text)) <= %s")
            params += [until, until]
        if language:
            where.append("a.language = %s")
            params.append(language)
        if not include_duplicates:
            where.append("a.duplicate_of IS NULL")
        sql = self._ARTICLE_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published_at IS NULL, a.published_at, a.id LIMIT %s OFFSET %s"
        params += [None if limit is None else int(limit), int(offset)]
        return [self._article_from_row(r) for r in self._all(sql, params)]

    def article_ids(self) -> Iterator[str]:
        last = 0
        while True:
            rows = self._tuples("SELECT seq, id FROM articles WHERE seq > %s ORDER BY seq LIMIT %s", [last, _PAGE * 10])
            if not rows:
                return
            for _, article_id in rows:
                yield article_id
            last = rows[-1][0]

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        built = _tsquery(query)
        if built is None:
            return []
        expression, params = built
        sql = f"""WITH q AS (SELECT {expression} AS q),
                  hits AS (SELECT a.id, a.title, a.published_at, a.outlet_id, a.text, a.seq,
                                  ts_rank_cd(a.fts, q.q) AS rank
                           FROM articles a, q WHERE a.fts @@ q.q
                           ORDER BY rank DESC, a.seq LIMIT %s OFFSET %s)
                  SELECT h.id AS article_id, h.title, h.published_at, o.name AS outlet,
                         ts_headline('{FTS_CONFIG}', h.text, q.q, %s) AS snippet, -h.rank AS score
                  FROM hits h CROSS JOIN q LEFT JOIN outlets o ON o.id = h.outlet_id
                  ORDER BY h.rank DESC, h.seq"""
        return self._all(sql, [*params, int(limit), int(offset), _HEADLINE])

    # -- near-duplicate index --------------------------------------------------
    def duplicate_candidates(self, bands: list[int]) -> list[str]:
        if not bands:
            return []
        rows = self._tuples(
            """SELECT DISTINCT m.article_id FROM minhash_bands m
               JOIN unnest(%s::bigint[], %s::bigint[]) AS b(band, hash) ON m.band = b.band AND m.hash = b.hash""",
            [list(range(len(bands))), [int(h) for h in bands]])
        return [r[0] for r in rows]

    def signature(self, article_id: str) -> bytes | None:
        value = self._value("SELECT signature FROM minhash_signatures WHERE article_id = %s", [article_id])
        return bytes(value) if value is not None else None

    # -- analysis --------------------------------------------------------------
    def pending_articles(self, analyzer: str, version: str) -> list[str]:
        rows = self._tuples(
            """SELECT a.id FROM articles a LEFT JOIN analysis_runs r ON r.article_id = a.id AND r.analyzer = %s
               WHERE r.analyzer_version IS NULL OR r.analyzer_version != %s ORDER BY a.seq""",
            [analyzer, version])
        return [r[0] for r in rows]

    def finished_analyzers(self, article_id: str) -> dict[str, str]:
        rows = self._tuples("SELECT analyzer, analyzer_version FROM analysis_runs WHERE article_id = %s", [article_id])
        return {r[0]: r[1] for r in rows}

    def save_analysis(self, article_id: str, results: Iterable[tuple[str, str, AnalysisResult]]) -> None:
        now = utcnow()
        # pipeline mode: statements whose results are not needed (the deletes) share round trips
        with self.transaction() as c, c.pipeline():
            # two workers saving the same article wait for each other instead of interleaving
            c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [article_id])
            refs: dict[str, int] = {}  # "@producer/collection/index" -> inserted row id
            for producer, version, result in results:
                c.execute("DELETE FROM links WHERE article_id = %s AND producer = %s AND manual = 0",
                          [article_id, producer])
                for _, table in reversed(_RESULT_TABLES):
                    if table != "links":
                        c.execute(f"DELETE FROM {table} WHERE article_id = %s AND producer = %s",
                                  [article_id, producer])
                for collection, table in _RESULT_TABLES:
                    records = getattr(result, collection)
                    if records:
                        ids = self._insert_records(c, table, collection, records, article_id, producer, version,
                                                   refs, now)
                        for index, new_id in enumerate(ids):
                            refs[f"@{producer}/{collection}/{index}"] = new_id
                if result.claim_vectors:
                    model = f"{producer}/{version}"
                    c.execute("DELETE FROM claim_vectors WHERE claim_id IN (SELECT id FROM claims WHERE article_id = %s)"
                              " AND model = %s", [article_id, model])
                    with c.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO claim_vectors(claim_id, model, vector) VALUES (%s,%s,%s) ON CONFLICT (claim_id)"
                            " DO UPDATE SET model = excluded.model, vector = excluded.vector",
                            [(_resolve_ref(ref, refs), model, bytes(blob)) for ref, blob in result.claim_vectors])
                c.execute(
                    """INSERT INTO analysis_runs(article_id, analyzer, analyzer_version, finished_at)
                       VALUES (%s,%s,%s,%s) ON CONFLICT (article_id, analyzer) DO UPDATE
                       SET analyzer_version = excluded.analyzer_version, finished_at = excluded.finished_at""",
                    [article_id, producer, version, now])

    @staticmethod
    def _insert_records(c: Any, table: str, collection: str, records: list[Any], article_id: str, producer: str,
                        version: str, refs: dict[str, int], now: str) -> list[int]:
        """Insert one collection's records in a batch, returning their new ids in order."""
        rows = []
        for record in records:
            row = record.to_dict()
            row.pop("id", None)
            row["producer"], row["producer_version"] = producer, version
            row["article_id"] = article_id
            if collection == "links":
                row["created_at"] = now
                row["from_id"] = str(_resolve_ref(row["from_id"], refs))
                row["to_id"] = str(_resolve_ref(row["to_id"], refs))
            if collection == "figures" and row.get("mention_id") is not None:
                row["mention_id"] = _resolve_ref(row["mention_id"], refs)
            if collection == "mentions":
                row.pop("incident_id", None)  # set by clustering, not by the per-article analyzer
            for key in ("attrs", "evidence", "metadata"):
                if key in row and not isinstance(row[key], str):
                    row[key] = json.dumps(row[key], ensure_ascii=False)
            rows.append(row)
        ids: list[int] = []
        # records of one type share their columns; group anyway so a mixed list cannot misalign
        start = 0
        while start < len(rows):
            columns = tuple(rows[start])
            stop = start
            while stop < len(rows) and tuple(rows[stop]) == columns:
                stop += 1
            sql = (f"INSERT INTO {table} ({', '.join(chr(34) + k + chr(34) for k in columns)}) "
                   f"VALUES ({', '.join('%s' for _ in columns)}) RETURNING id")
            batch = [[_param(row[k]) for k in columns] for row in rows[start:stop]]
            with c.cursor(row_factory=tuple_row) as cur:
                if len(batch) == 1:
                    cur.execute(sql, batch[0])
                    ids.append(int(cur.fetchone()[0]))
                else:
                    cur.executemany(sql, batch, returning=True)
                    while True:
                        ids.append(int(cur.fetchone()[0]))
                        if not cur.nextset():
                            break
            start = stop
        return ids

    def _select(self, table: str, filters: dict[str, Any], order: str, limit: int | None, offset: int,
                extra: tuple[str, list[Any]] | None = None) -> list[dict[str, Any]]:
        where, params = [], []
        for column, value in filters.items():
            if value is not None:
                where.append(f'"{column}" = %s')
                params.append(value)
        if extra:
            where.append(extra[0])
            params += extra[1]
        sql = f"SELECT * FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order} LIMIT %s OFFSET %s"
        params += [None if limit is None else int(limit), int(offset)]
        return [_decode(r) for r in self._all(sql, params)]

    def _query(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return [_decode(r) for r in self._all(sql, params)]

    def spans(self, article_id: str, *, label_prefix: str | None = None) -> list[dict[str, Any]]:
        extra = ("label ILIKE %s ESCAPE '\\'", [_like(label_prefix)[1:]]) if label_prefix else None
        return self._select("spans", {"article_id": article_id}, 'start, "end", id', None, 0, extra)

    def claims(self, *, article_id: str | None = None, claim_type: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("claims", {"article_id": article_id, "claim_type": claim_type},
                            "article_id, content_start, id", limit, offset)

    def technique_spans(self, *, article_id: str | None = None, technique: str | None = None,
                        limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("technique_spans", {"article_id": article_id, "technique": technique},
                            "article_id, start, id", limit, offset)

    def incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                          limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        return self._select("incident_mentions", {"article_id": article_id, "event_type": event_type},
                            "article_id, start, id", limit, offset)

    def links(self, *, kind: str | None = None, from_type: str | None = None,
              from_id: str | int | None = None) -> list[dict[str, Any]]:
        return self._select("links", {"kind": kind, "from_type": from_type,
                                      "from_id": None if from_id is None else str(from_id)}, "id", None, 0)

    def claim_vectors(self, *, after_claim_id: int = 0, limit: int = 50_000) -> list[tuple[int, bytes]]:
        rows = self._tuples("SELECT claim_id, vector FROM claim_vectors WHERE claim_id > %s ORDER BY claim_id LIMIT %s",
                            [int(after_claim_id), int(limit)], binary=True)
        return [(int(r[0]), bytes(r[1])) for r in rows]

    def claim_vector_count(self) -> int:
        return int(self._value("SELECT count(*) FROM claim_vectors"))

    def claims_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        rows = self._select("claims", {}, "id", None, 0, ("id = ANY(%s::bigint[])", [[int(i) for i in ids]]))
        return {r["id"]: r for r in rows}

    def stats(self) -> dict[str, int]:
        row = self._one("""SELECT (SELECT count(*) FROM articles) AS articles,
                                  (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL) AS duplicates,
                                  (SELECT count(*) FROM outlets) AS outlets,
                                  (SELECT count(*) FROM spans) AS spans,
                                  (SELECT count(*) FROM claims) AS claims,
                                  (SELECT count(*) FROM incident_mentions) AS incident_mentions,
                                  (SELECT count(*) FROM incidents) AS incidents,
                                  (SELECT count(*) FROM technique_spans) AS techniques,
                                  (SELECT count(*) FROM links) AS links""")
        return {k: int(v) for k, v in row.items()}

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table not in EXPORTABLE_TABLES:
            raise StoreError(f"unknown table {table!r}; choose one of {', '.join(EXPORTABLE_TABLES)}")
        # streamed in pages by key, so a large table never sits in memory at once
        key, columns = ("seq", ", ".join(ARTICLE_COLUMNS) + ", seq") if table == "articles" else ("id", "*")
        last = None
        while True:
            sql = f"SELECT {columns} FROM {table}"
            params: list[Any] = []
            if last is not None:
                sql += f" WHERE {key} > %s"
                params.append(last)
            page = self._all(sql + f" ORDER BY {key} LIMIT {_PAGE}", params)
            if not page:
                return
            last = page[-1][key]
            for item in page:
                if table == "articles":
                    item.pop("seq")
                for name in ("attrs", "evidence", "metadata", "payload"):
                    if name in item and isinstance(item[name], str):
                        with contextlib.suppress(ValueError):
                            item[name] = json.loads(item[name])
                yield item

    # -- corpus-level linking (issue 6, claimscope.linking) -----------------------------
    def article_meta(self) -> dict[str, dict[str, Any]]:
        rows = self._all(
            """SELECT a.id, a.title, a.published_at, a.published_precision, a.outlet_id, a.duplicate_of,
                      o.name AS outlet, o.kind AS outlet_kind, o.owner AS owner
               FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id""")
        return {r["id"]: r for r in rows}

    def casualty_figures(self, *, article_id: str | None = None,
                         mention_ids: list[int] | None = None) -> list[dict[str, Any]]:
        extra = None
        if mention_ids is not None:
            extra = ("mention_id = ANY(%s::bigint[])", [[int(i) for i in mention_ids]])
        return self._select("casualty_figures", {"article_id": article_id}, "article_id, start, id", None, 0, extra)

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
            sql += " WHERE i.id = ANY(%s::bigint[])"
            params.append([int(i) for i in ids])
        sql += " ORDER BY i.date_start IS NULL, i.date_start DESC, i.id LIMIT %s OFFSET %s"
        out = self._query(sql, params + [None if limit is None else int(limit), int(offset)])
        for row in out:
            row["locked"] = bool(row["locked"])
        return out

    def mentions_of_incident(self, incident_id: int) -> list[dict[str, Any]]:
        sql = """SELECT m.*, a.title AS article_title, a.published_at, a.outlet_id, a.duplicate_of,
                        o.name AS outlet, o.kind AS outlet_kind, o.owner AS owner
                 FROM incident_mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN outlets o ON o.id = a.outlet_id
                 WHERE m.incident_id = %s ORDER BY a.published_at IS NULL, a.published_at, m.article_id, m.start, m.id"""
        return self._query(sql, [int(incident_id)])

    def manual_edits(self, *, kind_prefix: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM manual_edits", []
        if kind_prefix:
            sql += " WHERE kind ILIKE %s ESCAPE '\\'"
            params.append(_like(kind_prefix)[1:])
        return [_decode(r, ("payload",)) for r in self._all(sql + " ORDER BY id", params)]

    def add_manual_edit(self, kind: str, payload: dict[str, Any], author: str | None = None) -> int:
        with self.transaction() as c:
            row = c.execute("INSERT INTO manual_edits(kind, payload, author, created_at) VALUES (%s,%s,%s,%s) "
                            "RETURNING id", [kind, json.dumps(payload, ensure_ascii=False), author, utcnow()]).fetchone()
            return int(row["id"])

    def narratives(self, *, ids: list[int] | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM narratives", []
        if ids is not None:
            if not ids:
                return []
            sql += " WHERE id = ANY(%s::bigint[])"
            params.append([int(i) for i in ids])
        sql += " ORDER BY outlet_count DESC, claim_count DESC, id LIMIT %s OFFSET %s"
        return self._query(sql, params + [None if limit is None else int(limit), int(offset)])

    def linking_fingerprint(self) -> dict[str, Any]:
        row = self._one("""SELECT
            (SELECT count(*) FROM incident_mentions) AS m_n, (SELECT coalesce(max(id), 0) FROM incident_mentions) AS m_max,
            (SELECT count(*) FROM claims) AS c_n, (SELECT coalesce(max(id), 0) FROM claims) AS c_max,
            (SELECT count(*) FROM casualty_figures) AS f_n, (SELECT coalesce(max(id), 0) FROM casualty_figures) AS f_max,
            (SELECT count(*) FROM manual_edits) AS e_n, (SELECT coalesce(max(id), 0) FROM manual_edits) AS e_max,
            (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM claim_vectors) AS vectors,
            (SELECT count(*) FROM analysis_runs) AS r_n, (SELECT coalesce(max(finished_at), '') FROM analysis_runs) AS r_max,
            (SELECT count(duplicate_of) FROM articles) AS duplicates""")
        outlets = self._tuples("SELECT id, kind, owner FROM outlets ORDER BY id")
        return {"mentions": [int(row["m_n"]), int(row["m_max"])], "claims": [int(row["c_n"]), int(row["c_max"])],
                "figures": [int(row["f_n"]), int(row["f_max"])], "edits": [int(row["e_n"]), int(row["e_max"])],
                "articles": int(row["articles"]), "vectors": int(row["vectors"]),
                "runs": [int(row["r_n"]), str(row["r_max"])], "duplicates": int(row["duplicates"]),
                "outlets": [[r[0], r[1], r[2]] for r in outlets]}

    def save_linking(self, *, incidents: list[dict[str, Any]], mention_incident: dict[int, int],
                     links: list[Any], narratives: list[dict[str, Any]], state: dict[str, Any]) -> None:
        now = utcnow()
        with self.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(%s)", [_LINKING_LOCK])
            c.execute("DELETE FROM links WHERE producer = 'linking' AND manual = 0")
            c.execute("DELETE FROM narratives")
            c.execute("UPDATE incident_mentions SET incident_id = NULL WHERE incident_id IS NOT NULL")
            c.execute("DELETE FROM incidents")
            columns = ("id", "event_type", "label", "agent", "date_start", "date_end", "date_precision", "place_name",
                       "latitude", "longitude", "geo_precision", "evidence", "locked", "attrs")
            rows = []
            for inc in incidents:
                row = [_param(inc.get(k)) for k in columns]
                row[columns.index("evidence")] = json.dumps(inc.get("evidence") or [], ensure_ascii=False)
                row[columns.index("attrs")] = json.dumps(inc.get("attrs") or {}, ensure_ascii=False)
                row[columns.index("locked")] = int(bool(inc.get("locked")))
                rows.append([*row, now])
            with c.cursor() as cur:
                if rows:
                    cur.executemany(f"INSERT INTO incidents ({', '.join(columns)}, updated_at) "
                                    f"VALUES ({', '.join('%s' for _ in columns)}, %s)", rows)
                if mention_incident:
                    pairs = list(mention_incident.items())
                    cur.execute("""UPDATE incident_mentions m SET incident_id = u.incident_id
                                   FROM unnest(%s::bigint[], %s::bigint[]) AS u(mention_id, incident_id)
                                   WHERE m.id = u.mention_id""",
                                [[int(m) for m, _ in pairs], [int(i) for _, i in pairs]])
                ncols = ("id", "label", "representative_claim_id", "first_seen", "last_seen", "claim_count",
                         "article_count", "outlet_count", "method", "attrs")
                if narratives:
                    cur.executemany(
                        f"INSERT INTO narratives ({', '.join(ncols)}, updated_at) "
                        f"VALUES ({', '.join('%s' for _ in ncols)}, %s)",
                        [[*(json.dumps(n.get(k) or {}, ensure_ascii=False) if k == "attrs" else _param(n.get(k))
                            for k in ncols), now] for n in narratives])
                link_rows = []
                for link in links:
                    row = link.to_dict() if hasattr(link, "to_dict") else dict(link)
                    link_rows.append((str(_param(row["kind"])), row["from_type"], str(row["from_id"]), row["to_type"],
                                      str(row["to_id"]), _param(row.get("score")), row.get("label"), "linking",
                                      row.get("producer_version") or "",
                                      json.dumps(row.get("attrs") or {}, ensure_ascii=False), now))
                if link_rows:
                    cur.executemany("""INSERT INTO links(kind, from_type, from_id, to_type, to_id, score, label, manual,
                                       article_id, producer, producer_version, attrs, created_at)
                                       VALUES (%s,%s,%s,%s,%s,%s,%s,0,NULL,%s,%s,%s,%s)""", link_rows)
            # ids were given by the caller: move the identity sequences past them
            for table in ("incidents", "narratives"):
                c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) "
                          f"FROM {table}")
            c.execute("INSERT INTO settings(key, value) VALUES ('linking.state', %s) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [json.dumps(state)])

    # -- queries for the REST API and web UI (issue 7) ----------------------------
    @staticmethod
    def _common_filters(where: list[str], params: list[Any], *, outlet: str | None, since: str | None,
                        until: str | None, claim_type: str | None = None, technique: str | None = None,
                        event_type: str | None = None, place: str | None = None) -> None:
        """Add the filters shared by the find_* queries (``a`` is the articles alias)."""
        since, until = _iso_bound(since, "since"), _iso_bound(until, "until")
        if outlet:
            where.append("(o.name = %s OR o.domain = %s OR CAST(o.id AS TEXT) = %s)")
            params += [outlet, outlet, outlet]
        if since:
            where.append("a.published_at >= %s")
            params.append(since)
        if until:
            where.append("substr(a.published_at, 1, length(%s::text)) <= %s")
            params += [until, until]
        if claim_type:
            where.append("EXISTS (SELECT 1 FROM claims fc WHERE fc.article_id = a.id AND fc.claim_type = %s)")
            params.append(claim_type)
        if technique:
            where.append("EXISTS (SELECT 1 FROM technique_spans ft WHERE ft.article_id = a.id AND ft.technique = %s)")
            params.append(technique)
        if event_type or place:
            clause = "EXISTS (SELECT 1 FROM incident_mentions fm WHERE fm.article_id = a.id"
            if event_type:
                clause += " AND fm.event_type = %s"
                params.append(event_type)
            if place:
                clause += (" AND (lower(fm.place_name) = lower(%s::text) OR fm.place_id = %s"
                           " OR lower(fm.admin1) = lower(%s::text))")
                params += [place, place, place]
            where.append(clause + ")")

    def find_articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                      language: str | None = None, include_duplicates: bool = True, claim_type: str | None = None,
                      technique: str | None = None, event_type: str | None = None, place: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        self._common_filters(where, params, outlet=outlet, since=since, until=until, claim_type=claim_type,
                             technique=technique, event_type=event_type, place=place)
        if language:
            where.append("a.language = %s")
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
        sql += " ORDER BY a.published_at IS NULL, a.published_at DESC, a.id LIMIT %s OFFSET %s"
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
                where.append(f"c.{column} = %s")
                params.append(value)
        # ILIKE on "C"-collated text folds ASCII only, like SQLite's LIKE
        if speaker:
            where.append("(c.speaker ILIKE %s ESCAPE '\\' OR c.speaker_norm ILIKE %s ESCAPE '\\')")
            params += [_like(speaker)] * 2
        for word in (text or "").split():
            where.append("(c.text ILIKE %s ESCAPE '\\' OR c.speaker ILIKE %s ESCAPE '\\')")
            params += [_like(word)] * 2
        if technique:
            where.append("""EXISTS (SELECT 1 FROM links l WHERE l.to_type = 'claim' AND l.to_id = CAST(c.id AS TEXT)
                            AND l.kind = 'technique_claim' AND l.label = %s)""")
            params.append(technique)
        if min_checkworthiness is not None:
            where.append("c.checkworthiness >= %s")
            params.append(float(min_checkworthiness))
        sql = """SELECT c.*, a.title AS article_title, a.published_at, a.outlet_id, o.name AS outlet
                 FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN outlets o ON o.id = a.outlet_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (" ORDER BY a.published_at IS NULL, a.published_at DESC, c.article_id, c.content_start, c.id"
                " LIMIT %s OFFSET %s")
        return self._query(sql, params + [int(limit), int(offset)])

    def find_incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                               place: str | None = None, outlet: str | None = None, since: str | None = None,
                               until: str | None = None, limit: int = 50,
                               offset: int = 0) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        self._common_filters(where, params, outlet=outlet, since=None, until=None)
        if article_id:
            where.append("m.article_id = %s")
            params.append(article_id)
        if event_type:
            where.append("m.event_type = %s")
            params.append(event_type)
        if place:
            where.append("(lower(m.place_name) = lower(%s::text) OR m.place_id = %s OR lower(m.admin1) = lower(%s::text))")
            params += [place, place, place]
        since, until = _iso_bound(since, "since"), _iso_bound(until, "until")
        if since:  # the incident interval ends on or after `since`
            where.append("coalesce(m.date_end, m.date_start) >= %s")
            params.append(since)
        if until:
            where.append("substr(m.date_start, 1, length(%s::text)) <= %s")
            params += [until, until]
        sql = """SELECT m.*, a.title AS article_title, a.published_at, a.outlet_id, o.name AS outlet
                 FROM incident_mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN outlets o ON o.id = a.outlet_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY m.date_start IS NULL, m.date_start DESC, m.article_id, m.start, m.id LIMIT %s OFFSET %s"
        return self._query(sql, params + [int(limit), int(offset)])

    def incident_mentions_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        rows = self._select("incident_mentions", {}, "id", None, 0, ("id = ANY(%s::bigint[])", [[int(i) for i in ids]]))
        return {r["id"]: r for r in rows}

    def links_for_article(self, article_id: str, *, kind: str | None = None) -> list[dict[str, Any]]:
        return self._select("links", {"article_id": article_id, "kind": kind}, "id", None, 0)

    def outlet_profiles(self) -> list[dict[str, Any]]:
        profiles: dict[int | None, dict[str, Any]] = {}

        def profile(outlet_id: int | None) -> dict[str, Any]:
            return profiles.setdefault(outlet_id, {
                "outlet_id": outlet_id, "articles": 0, "words": 0, "duplicates": 0, "claims": 0,
                "claim_types": {}, "polarity": {}, "hedged": 0, "techniques": 0, "technique_labels": {},
                "stances": {}})

        for row in self._tuples("""SELECT outlet_id, count(*), coalesce(sum(word_count), 0), count(duplicate_of)
                                   FROM articles GROUP BY outlet_id"""):
            p = profile(row[0])
            p["articles"], p["words"], p["duplicates"] = int(row[1]), int(row[2]), int(row[3])
        for row in self._tuples("""SELECT a.outlet_id, c.claim_type, c.polarity, sum(c.hedged), count(*)
                                   FROM claims c JOIN articles a ON a.id = c.article_id
                                   GROUP BY a.outlet_id, c.claim_type, c.polarity"""):
            p = profile(row[0])
            p["claims"] += int(row[4])
            p["hedged"] += int(row[3] or 0)
            p["claim_types"][row[1]] = p["claim_types"].get(row[1], 0) + int(row[4])
            p["polarity"][row[2]] = p["polarity"].get(row[2], 0) + int(row[4])
        for row in self._tuples("""SELECT a.outlet_id, t.technique, count(*) FROM technique_spans t
                                   JOIN articles a ON a.id = t.article_id GROUP BY a.outlet_id, t.technique"""):
            p = profile(row[0])
            p["techniques"] += int(row[2])
            p["technique_labels"][row[1]] = int(row[2])
        # stance links may be corpus-level (no owning article): reach the outlet through the claim
        # (joined on the id as text: PostgreSQL, unlike SQLite, would fail on a non-numeric from_id)
        for row in self._tuples("""SELECT a.outlet_id, coalesce(l.label, ''), count(*) FROM links l
                                   JOIN claims c ON CAST(c.id AS TEXT) = l.from_id
                                   JOIN articles a ON a.id = c.article_id
                                   WHERE l.kind = 'stance' AND l.from_type = 'claim'
                                   GROUP BY a.outlet_id, l.label"""):
            profile(row[0])["stances"][row[1]] = int(row[2])
        return list(profiles.values())

    def technique_counts(self) -> dict[str, dict[str, int]]:
        out = {row[0]: {"spans": int(row[1]), "articles": int(row[2]), "claims": 0} for row in self._tuples(
            "SELECT technique, count(*), count(DISTINCT article_id) FROM technique_spans GROUP BY technique")}
        for row in self._tuples("""SELECT label, count(DISTINCT to_id) FROM links WHERE kind = 'technique_claim'
                                   AND to_type = 'claim' GROUP BY label"""):
            out.setdefault(row[0], {"spans": 0, "articles": 0, "claims": 0})["claims"] = int(row[1])
        return out

    def figures_for(self, *, article_ids: list[str] | None = None,
                    mention_ids: list[int] | None = None) -> list[dict[str, Any]]:
        article_ids, mention_ids = [str(i) for i in article_ids or []], [int(i) for i in mention_ids or []]
        if not article_ids and not mention_ids:
            return []
        return self._query("""SELECT * FROM casualty_figures WHERE article_id = ANY(%s::text[])
                              OR mention_id = ANY(%s::bigint[]) ORDER BY article_id, start, id""",
                           [article_ids, mention_ids])

    def _links_where(self, side: str, kind_of: str, ids: list[int | str], kind: str | None) -> list[dict[str, Any]]:
        ids = [str(i) for i in ids]
        if not ids:
            return []
        sql = f"SELECT * FROM links WHERE {side}_type = %s AND {side}_id = ANY(%s::text[])"
        params: list[Any] = [kind_of, ids]
        if kind is not None:
            sql += " AND kind = %s"
            params.append(kind)
        return self._query(sql + " ORDER BY id", params)

    def links_to(self, to_type: str, to_ids: list[int | str], *, kind: str | None = None) -> list[dict[str, Any]]:
        return self._links_where("to", to_type, to_ids, kind)

    def links_from(self, from_type: str, from_ids: list[int | str], *,
                   kind: str | None = None) -> list[dict[str, Any]]:
        return self._links_where("from", from_type, from_ids, kind)


# -- full-text queries ----------------------------------------------------------------------
_OPERATORS = ("OR", "NOT", "AND")


def _tsquery(query: str) -> tuple[str, list[str]] | None:
    """Turn what a user types into a tsquery SQL expression and its parameters.

    The same language as SQLite's search (``_fts_query``): bare words are ANDed, "quoted
    phrases" stay phrases, a trailing * searches a prefix, OR and NOT between terms are
    honoured (NOT binds tightest, then AND, then OR). Every term goes to the server as a
    parameter of plainto_tsquery / phraseto_tsquery (or to_tsquery of a letters-only prefix),
    so user input can never be a tsquery syntax error. None when nothing searchable remains.
    """
    tokens = re.findall(r'"[^"]*"|\S+', query)
    items: list[tuple[str, str]] = []  # (kind, text): kind in op / word / phrase / prefix
    for token in tokens:
        if token in _OPERATORS:
            if items and items[-1][0] == "op":
                items.pop()  # "a OR AND b": the later operator wins
            items.append(("op", token))
            continue
        quoted = token.startswith('"')
        prefix = token.endswith("*") and not quoted
        core = token.strip('"').rstrip("*").replace('"', "")
        if not core.strip():
            continue
        items.append(("prefix" if prefix else "phrase" if quoted else "word", core))
    while items and items[0][0] == "op":
        items.pop(0)
    while items and items[-1][0] == "op":
        items.pop()
    if not items:
        return None
    params: list[str] = []

    def term(kind: str, text: str) -> str:
        if kind == "phrase":
            params.append(text)
            return f"phraseto_tsquery('{FTS_CONFIG}', %s)"
        if kind == "word":
            params.append(text)
            return f"plainto_tsquery('{FTS_CONFIG}', %s)"
        words = re.findall(r"[^\W_]+", text)
        if not words:  # only punctuation: matches nothing, as in SQLite
            params.append(text)
            return f"plainto_tsquery('{FTS_CONFIG}', %s)"
        parts = []
        if len(words) > 1:
            params.append(" ".join(words[:-1]))
            parts.append(f"phraseto_tsquery('{FTS_CONFIG}', %s)")
        params.append(words[-1] + ":*")
        parts.append(f"to_tsquery('{FTS_CONFIG}', %s)")
        return "(" + " <-> ".join(parts) + ")"

    groups: list[list[str]] = [[]]
    negate = False
    for kind, text in items:
        if kind == "op":
            if text == "OR":
                groups.append([])
            negate = text == "NOT"
            continue
        expression = term(kind, text)
        groups[-1].append(f"!!{expression}" if negate else expression)
        negate = False
    ored = ["(" + " && ".join(group) + ")" for group in groups if group]
    return "(" + " || ".join(ored) + ")", params
