"""Backup and restore of an SQLite store (``claimscope backup OUT`` / ``claimscope restore IN``).

A backup is a plain SQLite file made with SQLite's online backup API: a consistent snapshot
taken while other processes keep reading and writing the store (WAL mode), checked with
``PRAGMA integrity_check`` before it is put in place. A restore copies a checked backup into the
store's file through the same API, inside one transaction, so readers see either the old or the
new database and never a mixture. Neither overwrites an existing file or a non-empty store
unless ``force`` is given.

PostgreSQL stores are backed up with the server's own tools (``pg_dump``/``pg_restore``).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from claimscope.store.base import Store, StoreError


@dataclass
class BackupInfo:
    path: Path
    bytes: int
    articles: int
    schema_version: int
    seconds: float

    def summary(self) -> str:
        return (f"{self.articles} articles, schema v{self.schema_version}, {self.bytes:,} bytes, "
                f"checked in {self.seconds:.1f} s")


def _sqlite_path(store: Store) -> Path:
    path = getattr(store, "path", None)
    if path is None or not hasattr(store, "conn") or not isinstance(getattr(store, "conn"), sqlite3.Connection):
        raise StoreError(f"backup/restore works on SQLite stores; {getattr(store, 'url', store)} is not one. "
                         "Back up a PostgreSQL store with pg_dump and restore it with pg_restore")
    return Path(path)


def _check(conn: sqlite3.Connection, where: Path) -> tuple[int, int]:
    """Integrity check of a claimscope SQLite database; returns (articles, schema version)."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise StoreError(f"{where} failed SQLite's integrity check: {'; '.join(problems[:5])}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"schema_migrations", "articles"} <= tables:
            raise StoreError(f"{where} is an SQLite file but not a claimscope store (no articles/schema tables)")
        version = int(conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)
        articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{where} is not a readable SQLite database ({exc})") from None
    return articles, version


def backup(store: Store, out: str | Path, *, force: bool = False) -> BackupInfo:
    """Write a checked snapshot of ``store`` to ``out`` (refuses an existing file unless ``force``)."""
    source = _sqlite_path(store)
    target = Path(out).expanduser()
    if target.exists() and target.is_dir():
        raise StoreError(f"{target} is a folder; give the backup a file name such as {target / 'claimscope-backup.db'}")
    if target.exists() and not force:
        raise StoreError(f"{target} already exists; choose another name or pass --force to overwrite it")
    if target.resolve() == source.resolve():
        raise StoreError(f"{target} is the store itself; choose another file for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        dest = sqlite3.connect(str(partial))
        try:
            store.conn.backup(dest)  # one step: a consistent snapshot even while others write
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            articles, version = _check(dest, target)
        finally:
            dest.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(target, target.stat().st_size, articles, version, time.perf_counter() - started)


def restore(store: Store, source: str | Path, *, force: bool = False) -> BackupInfo:
    """Replace the contents of ``store`` with the checked backup at ``source``.

    Refuses when the store already holds articles unless ``force``; the backup is checked
    before anything is written, and the store is checked after."""
    target = _sqlite_path(store)
    backup_path = Path(source).expanduser()
    if not backup_path.is_file():
        raise StoreError(f"no backup file at {backup_path}")
    if backup_path.resolve() == target.resolve():
        raise StoreError(f"{backup_path} is the store itself; give the backup file to restore from")
    started = time.perf_counter()
    try:
        src = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open backup {backup_path}: {exc}") from None
    try:
        articles, version = _check(src, backup_path)
        supported = max(v for v, _, _ in _known_migrations())
        if version > supported:
            raise StoreError(f"{backup_path} has schema v{version}, newer than this claimscope (v{supported}); "
                             "upgrade claimscope first")
        current = int(store.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        if current and not force:
            raise StoreError(f"the store {target} holds {current} articles; pass --force to replace them with the "
                             f"backup's {articles}")
        try:
            src.backup(store.conn)  # one transaction on the store: readers see old or new, never a mixture
        except sqlite3.Error as exc:
            raise StoreError(f"restoring {backup_path} into {target} failed ({exc}); the store is unchanged") from None
        store.conn.execute("PRAGMA journal_mode = WAL")
        _check(store.conn, target)
    finally:
        src.close()
    # the similar-claims index beside the store describes the old claims: rebuild it on next use
    with contextlib.suppress(OSError):
        shutil.rmtree(Path(str(target) + ".vectors"))
    if hasattr(store, "_migrate"):
        store._migrate()  # an older backup is brought up to this version's schema
    return BackupInfo(backup_path, backup_path.stat().st_size, articles, version, time.perf_counter() - started)


def _known_migrations():
    from claimscope.store.sqlite import _migrations

    return _migrations("sqlite")
