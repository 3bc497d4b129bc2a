"""Outlets: inferred from the URL's domain, completed from a small registry of known outlets."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from claimscope.model import Outlet, OutletKind


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


@lru_cache(maxsize=1)
def known_outlets() -> dict[str, dict]:
    """domain -> facts, from claimscope/ingest/outlets.json (public facts about outlets)."""
    data = json.loads((resources.files("claimscope.ingest") / "outlets.json").read_text(encoding="utf-8"))
    return {entry["domain"]: entry for entry in data["outlets"]}


def _registry_entry(domain: str) -> dict | None:
    registry = known_outlets()
    parts = domain.split(".")
    for i in range(len(parts) - 1):  # news.example.co.uk -> example.co.uk -> co.uk
        entry = registry.get(".".join(parts[i:]))
        if entry:
            return entry
    return None


def outlet_for(name: str | None = None, url: str | None = None) -> Outlet | None:
    """The outlet for an article given an explicit name and/or its URL."""
    domain = domain_of(url)
    entry = _registry_entry(domain) if domain else None
    if entry is None and name:
        lowered = name.strip().lower()
        entry = next((e for e in known_outlets().values()
                      if e["name"].lower() == lowered or lowered in (a.lower() for a in e.get("aliases", []))), None)
    if entry:
        return Outlet(name=entry["name"], domain=entry["domain"], country=entry.get("country"),
                      language=entry.get("language"), kind=OutletKind(entry.get("kind", "unknown")),
                      owner=entry.get("owner"))
    if name:
        return Outlet(name=name.strip(), domain=domain)
    if domain:
        return Outlet(name=domain, domain=domain)
    return None
