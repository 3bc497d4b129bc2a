"""The bundled demo corpus: an invented conflict, written for claimscope.

``manifest.json`` lists the outlets and each article's metadata; ``articles/`` holds the
texts (first line = headline); ``places.json`` is the demo's gazetteer layer; ``truth.json``
is the ground truth written into the corpus, which tests and benchmarks assert against.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from claimscope.ingest import Draft, Ingestor, IngestReport, split_title
from claimscope.model import Outlet, OutletKind
from claimscope.store.base import Store

DEMO = resources.files("claimscope.demo")


def manifest() -> dict[str, Any]:
    return json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))


def truth() -> dict[str, Any]:
    return json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))


def places_path():
    return DEMO / "places.json"


def drafts() -> list[Draft]:
    data = manifest()
    outlets = {o["domain"]: Outlet(name=o["name"], domain=o["domain"], country=o.get("country"),
                                   language=o.get("language"), kind=OutletKind(o.get("kind", "unknown")),
                                   owner=o.get("owner"))
               for o in data["outlets"]}
    out = []
    for entry in data["articles"]:
        raw = (DEMO / "articles" / entry["file"]).read_bytes()
        title, body = split_title(raw.decode("utf-8"))
        out.append(Draft(text=body, title=title, source_ref=f"demo:{entry['file']}", url=entry.get("url"),
                         outlet=outlets.get(entry["outlet"]), published=entry.get("published_at"),
                         author=entry.get("author"), raw=raw, metadata={"demo_file": entry["file"]}))
    return out


def ingest_demo(store: Store) -> IngestReport:
    """Ingest the demo articles and register the demo's invented places with the store."""
    layers = store.get_setting(LAYERS_SETTING, [])
    if DEMO_LAYER not in layers:
        store.set_setting(LAYERS_SETTING, [*layers, DEMO_LAYER])
    if not store.get_setting("analysis.focus_countries"):
        store.set_setting("analysis.focus_countries", ["Kestria"])
    return Ingestor(store).ingest_drafts(drafts())


LAYERS_SETTING = "gazetteer.layers"
DEMO_LAYER = "builtin:demo"


def layer_paths(store: Store | None) -> tuple[str, ...]:
    """Files of the extra gazetteer layers registered with a store ("builtin:demo" or paths)."""
    if store is None:
        return ()
    out = []
    for layer in store.get_setting(LAYERS_SETTING, []):
        out.append(str(places_path()) if layer == DEMO_LAYER else layer)
    return tuple(out)
