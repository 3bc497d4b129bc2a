"""Storage: one interface (:class:`Store`), chosen by a path or database URL."""

from __future__ import annotations

import os
from pathlib import Path

from claimscope.store.base import Store, StoreError

__all__ = ["Store", "StoreError", "open_store", "default_db_path"]


def default_db_path() -> Path:
    """``$CLAIMSCOPE_DB`` if set, else claimscope.db in the user's data directory."""
    env = os.environ.get("CLAIMSCOPE_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("claimscope", appauthor=False)) / "claimscope.db"


def open_store(location: str | Path | None = None) -> Store:
    """Open a store from a file path, ``sqlite:///path`` or (later) ``postgresql://...``."""
    if location is None:
        location = default_db_path()
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError("PostgreSQL stores are not available in this version; use a SQLite file path")
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    from claimscope.store.sqlite import SQLiteStore

    return SQLiteStore(text)
