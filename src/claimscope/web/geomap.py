"""A small offline SVG map: shipped country outlines (Natural Earth 1:110m, public domain)
and Aleppo neighbourhood outlines, with points for incident mentions.

Built on the server as SVG markup, every label escaped; no tiles, no network, no script.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

WIDTH, HEIGHT = 480, 320
_ALEPPO_BOX = (36.05, 36.35, 36.95, 37.35)  # lat min, lat max, lon min, lon max


@lru_cache(maxsize=2)
def _layer(name: str) -> list[tuple[str, list[list[list[float]]], tuple[float, float, float, float]]]:
    """(name, rings, bbox) for every polygon of a shipped GeoJSON outline file."""
    path = resources.files("claimscope.geo") / "data" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        label = str((feature.get("properties") or {}).get("name") or "")
        for polygon in polygons:
            rings = [ring for ring in polygon if len(ring) >= 3]
            if not rings:
                continue
            lons = [p[0] for p in rings[0]]
            lats = [p[1] for p in rings[0]]
            out.append((label, rings, (min(lats), max(lats), min(lons), max(lons))))
    return out


def _view(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    inside_aleppo = all(_ALEPPO_BOX[0] <= a <= _ALEPPO_BOX[1] and _ALEPPO_BOX[2] <= o <= _ALEPPO_BOX[3]
                        for a, o in points)
    pad = 0.03 if inside_aleppo else 1.5
    pad = max(pad, (lat1 - lat0) * 0.25, (lon1 - lon0) * 0.25)
    lat0, lat1, lon0, lon1 = lat0 - pad, lat1 + pad, lon0 - pad, lon1 + pad
    # keep the SVG's aspect ratio (equirectangular, shrunk by cos(latitude))
    k = math.cos(math.radians((lat0 + lat1) / 2)) or 1e-6
    span_x, span_y = (lon1 - lon0) * k, lat1 - lat0
    want = WIDTH / HEIGHT
    if span_x / span_y < want:
        extra = (span_y * want / k - (lon1 - lon0)) / 2
        lon0, lon1 = lon0 - extra, lon1 + extra
    else:
        extra = ((lon1 - lon0) * k / want - span_y) / 2
        lat0, lat1 = lat0 - extra, lat1 + extra
    return lat0, lat1, lon0, lon1


def render_map(points: list[dict[str, Any]], *, title: str = "Incident locations") -> str | None:
    """SVG markup for points [{latitude, longitude, label, focus}], or None without points."""
    located = [p for p in points if p.get("latitude") is not None and p.get("longitude") is not None]
    if not located:
        return None
    lat0, lat1, lon0, lon1 = _view([(float(p["latitude"]), float(p["longitude"])) for p in located])

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) / (lon1 - lon0) * WIDTH, (lat1 - lat) / (lat1 - lat0) * HEIGHT

    def path_of(rings: list[list[list[float]]]) -> str:
        parts = []
        for ring in rings:
            last = None
            coords = []
            for lon, lat in ((p[0], p[1]) for p in ring):
                x, y = xy(lon, lat)
                if last is None or abs(x - last[0]) + abs(y - last[1]) >= 0.6:
                    coords.append(f"{x:.1f},{y:.1f}")
                    last = (x, y)
            if len(coords) >= 3:
                parts.append("M" + "L".join(coords) + "Z")
        return "".join(parts)

    small = (lat1 - lat0) < 1.0
    layers = [("countries-110m.geojson", "country")]
    if small:
        layers.append(("aleppo_neighbourhoods.geojson", "hood"))
    out = [f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>", f'<rect class="sea" x="0" y="0" width="{WIDTH}" height="{HEIGHT}"/>']
    for filename, css in layers:
        for label, rings, (a0, a1, o0, o1) in _layer(filename):
            if a1 < lat0 or a0 > lat1 or o1 < lon0 or o0 > lon1:
                continue
            d = path_of(rings)
            if d:
                out.append(f'<path class="{css}" d="{d}"><title>{escape(label)}</title></path>')
    for p in located:
        x, y = xy(float(p["longitude"]), float(p["latitude"]))
        css = "pt focus" if p.get("focus") else "pt"
        label = escape(str(p.get("label") or ""))
        out.append(f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="{6 if p.get("focus") else 4}">'
                   f"<title>{label}</title></circle>")
    out.append(f'<text class="scale" x="6" y="{HEIGHT - 6}">{lat0:.2f}..{lat1:.2f}°N, {lon0:.2f}..{lon1:.2f}°E</text>')
    out.append("</svg>")
    return "".join(out)
