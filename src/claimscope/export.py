"""Exports: JSONL of every record, CSV per table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from claimscope.store.base import Store


def export_jsonl(store: Store, fh: IO[str], tables: Iterable[str]) -> int:
    """One JSON object per line, each with a ``"type"`` naming its table."""
    count = 0
    for table in tables:
        for row in store.rows(table):
            fh.write(json.dumps({"type": table, **row}, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_csv(store: Store, table: str, fh: IO[str]) -> int:
    writer = None
    count = 0
    for row in store.rows(table):
        flat = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)
        count += 1
    if writer is None:  # empty table: still write the header so the file is self-describing
        columns = _columns(store, table)
        if columns:
            csv.writer(fh).writerow(columns)
    return count


def _columns(store: Store, table: str) -> list[str]:
    return store.table_columns(table)  # through the interface: SQLite and PostgreSQL alike
