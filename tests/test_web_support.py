"""Shared setup for the web, REST, export and browser tests (no tests here).

The demo corpus (invented) is ingested and analysed once per test session; tests that write
get their own copy of the database file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

# Hostile strings (invented) for stored-XSS checks: each must render as text, never run.
XSS_TITLE = '<script>window.__pwned = "title"</script>Title <b>bold</b>'
XSS_OUTLET = '<img src=x onerror="window.__pwned=\'outlet\'">Evil Outlet'
XSS_TEXT = ('Officials in Port Calder said on Monday that <script>window.__pwned="text"</script> the shelling '
            'of the market killed four people. "<img src=x onerror=alert(1)>" was written on a wall, the '
            'mayor said. Residents said the army was responsible for the attack on the market.')

_CACHE: dict[str, Path] = {}


def demo_db() -> Path:
    """Path of an analysed demo store plus one hostile article; built once, treat as read-only."""
    if "demo" not in _CACHE:
        from claimscope.demo import ingest_demo
        from claimscope.ingest import Ingestor
        from claimscope.pipeline import Pipeline
        from claimscope.store import open_store

        folder = Path(tempfile.mkdtemp(prefix="claimscope-web-tests-"))
        path = folder / "demo.db"
        store = open_store(path)
        ingest_demo(store)
        report = Ingestor(store).ingest_text(XSS_TEXT, title=XSS_TITLE, outlet=XSS_OUTLET, published_at="2022-03-20")
        assert report.added, report.errors
        Pipeline().run(store)
        store.close()
        _CACHE["demo"] = path
        _CACHE["xss"] = report.added[0]  # type: ignore[assignment]
    return _CACHE["demo"]


def xss_article_id() -> str:
    demo_db()
    return str(_CACHE["xss"])


def copy_db(target_dir: Path) -> Path:
    """A private, writable copy of the demo store (the vector index folder too)."""
    source = demo_db()
    target = Path(target_dir) / "demo.db"
    shutil.copy(source, target)
    vectors = Path(str(source) + ".vectors")
    if vectors.exists():
        shutil.copytree(vectors, Path(str(target) + ".vectors"))
    return target


def first_mention_with_place(store) -> dict:
    """A demo incident mention that has a place and a date (so its dossier has company)."""
    mentions = store.find_incident_mentions(limit=1000)
    for m in mentions:
        if m["place_name"] and m["date_start"] and m["latitude"] is not None:
            return m
    raise AssertionError("the demo corpus produced no incident mention with a place and date")
