"""Storage: one interface (:class:`Store`), chosen by a path or database URL."""

from __future__ import annotations

import os
from pathlib import Path

from claimscope.store.base import Store, StoreError

__all__ = ["Store", "StoreError", "open_store", "default_db_path", "is_url", "describe_location"]

# URL schemes that open a PostgreSQL store (SQLAlchemy-style driver suffixes are accepted too)
_POSTGRES_URL = ("postgresql://", "postgres://", "postgresql+psycopg://", "postgresql+psycopg2://")


def is_url(location: str | Path | None) -> bool:
    """True for a server database URL (PostgreSQL), False for a SQLite path or sqlite:/// URL."""
    return location is not None and str(location).strip().lower().startswith(_POSTGRES_URL)


def describe_location(location: str | Path) -> str:
    """How to show a location to a person: SQLite paths as they are, server URLs without password."""
    if is_url(location):
        from claimscope.store.postgres import redact_url

        return redact_url(str(location))
    return str(location)


def default_db_path() -> Path:
    """``$CLAIMSCOPE_DB`` if set, else claimscope.db in the user's data directory."""
    env = os.environ.get("CLAIMSCOPE_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("claimscope", appauthor=False)) / "claimscope.db"


def open_store(location: str | Path | None = None) -> Store:
    """Open a store from a file path, ``sqlite:///path`` or ``postgresql://user:password@host/dbname``."""
    if location is None:
        env = os.environ.get("CLAIMSCOPE_DB", "")
        location = env if is_url(env) else default_db_path()
    text = str(location)
    if is_url(text):
        from claimscope.store.postgres import PostgresStore

        return PostgresStore(text.strip())
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    from claimscope.store.sqlite import SQLiteStore

    return SQLiteStore(text)
