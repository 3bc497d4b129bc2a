"""Offline gazetteer: place names -> ranked places with coordinates and a precision level.

See docs/gazetteer.md for the API, the ranking rules and where the data comes from.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, NamedTuple

from claimscope.geo import curated
from claimscope.geo.index import DEFAULT_PATH, CompactIndex
from claimscope.geo.names import GENERIC_TOKENS, exact_key, is_arabic, loose_key, skeleton_keys
from claimscope.geo.place import KINDS, Place, distance_km

EXACT, LOOSE, FOLDED = 0, 1, 2  # match tiers, best first
_TIER_PENALTY = {EXACT: 0.0, LOOSE: 0.3, FOLDED: 1.0}
HOME_BONUS = 1.0
MIN_FOLD_SIMILARITY = 0.6  # below this a folded match only stands in when nothing matches exactly
LAYER_BONUS = 1.0
# How close a candidate must be to an already-resolved place to count as "near" it (km):
# (close, medium) by the kind of the place it is compared with.
_NEAR_RADII = {
    "neighbourhood": (12, 40), "town": (25, 80), "district": (40, 100), "region": (60, 150),
    "governorate": (90, 200), "country": (0, 0),
}


@dataclass
class ResolveContext:
    """What is known around a mention: the article's country and places already resolved."""

    country: str | None = None
    near: Sequence[Place] = field(default_factory=list)

    @classmethod
    def coerce(cls, context: Any) -> ResolveContext:
        if context is None:
            return cls()
        if isinstance(context, ResolveContext):
            return context
        if isinstance(context, Mapping):
            return cls(country=context.get("country"), near=list(context.get("near") or []))
        raise TypeError(f"resolve context must be a ResolveContext, a mapping or None, not {type(context).__name__}")


class Candidate(NamedTuple):
    place: Place
    tier: int  # EXACT, LOOSE or FOLDED
    prominence: float
    similarity: float  # 1.0 for exact; loose 0.6 if the query lost a generic word; folded: spelling ratio

    @property
    def penalty(self) -> float:
        """Score lost to the match tier; folded matches lose more the further the spelling."""
        return _TIER_PENALTY[self.tier] + 3.0 * (1.0 - self.similarity)


class ScanHit(NamedTuple):
    """A place name found in text: ``text[start:end]`` and its ranked candidate places."""

    start: int
    end: int
    places: list[Place]


class LayerError(ValueError):
    """A user layer file or record is malformed; the message says which and where."""


class Gazetteer:
    """Look up, rank and resolve place names against the shipped index plus user layers."""

    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    def __init__(self, path: str | Path | None = None, extra_layers: Iterable[str | Path] = (),
                 home_countries: Sequence[str] = curated.HOME_COUNTRIES):
        self.index = CompactIndex(Path(path) if path else DEFAULT_PATH)
        self.home_countries = frozenset(c.upper() for c in home_countries)
        self._cache: dict[int, Place] = {}
        self._layer_places: list[Place] = []  # rows len(index) + i
        self._layer_keys: dict[str, dict[str, list[int]]] = {}
        self._by_id: dict[str, int] | None = None
        for layer in extra_layers:
            self.load_layer(layer)

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer, loaded once per process (add_layer on it affects all users)."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    # -- rows -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.index) + len(self._layer_places)

    def _place(self, row: int) -> Place:
        base = len(self.index)
        if row >= base:
            return self._layer_places[row - base]
        place = self._cache.get(row)
        if place is None:
            place = self._cache[row] = self.index.place(row)
        return place

    def _ids(self, section: str, key: str) -> list[int]:
        ids = self.index.ids(section, key)
        extra = self._layer_keys.get(section, {}).get(key)
        return ids + extra if extra else ids

    def get(self, place_id: str) -> Place | None:
        """The place with this id (e.g. ``"gov:idlib"``, ``"ocha:N0219"``), or None."""
        if self._by_id is None:
            self._by_id = {row.split("\t", 1)[0]: i for i, row in enumerate(self.index.rows)}
            for i, p in enumerate(self._layer_places):
                self._by_id[p.id] = len(self.index) + i
        row = self._by_id.get(place_id)
        return None if row is None else self._place(row)

    # -- ranking --------------------------------------------------------------------------

    def prominence(self, place: Place) -> float:
        """Context-free importance used to order candidates of the same match tier."""
        kind = place.kind
        if kind == "country":
            score = 7.0
        elif kind == "governorate":
            score = 4.5
        elif kind == "region":
            score = 4.3
        elif place.population:
            score = max(math.log10(place.population), 2.7)
        elif kind == "district":
            score = 3.0
        else:
            score = 3.5 if kind == "neighbourhood" else 3.2
        if place.country and place.country in self.home_countries:
            score += HOME_BONUS
        if place.source not in ("geonames", "syrianarchive", "ocha", "curated"):
            score += LAYER_BONUS
        return score

    def candidates(self, name: str, country: str | None = None) -> list[Candidate]:
        """Every place the name may denote, best first: match tier (exact, loose, folded), then
        prominence (folded matches also by spelling similarity)."""
        ek, lk = exact_key(name), loose_key(name)
        best: dict[int, int] = {}
        lookups = [("exact", ek, EXACT), ("loose", lk, LOOSE)] + [("skel", sk, FOLDED) for sk in skeleton_keys(name)]
        if lk != ek:
            lookups.insert(1, ("exact", lk, LOOSE))  # "al-Sukkari" vs a place named "Sukkari"
        for section, key, tier in lookups:
            if not key:
                continue
            for row in self._ids(section, key):
                if row not in best or tier < best[row]:
                    best[row] = tier
        out = []
        generic_sim = 0.6 if any(t in GENERIC_TOKENS for t in ek.split()) else 1.0
        want = country.upper() if country else None
        for row, tier in best.items():
            place = self._place(row)
            if want and (place.country or "").upper() != want:
                continue
            if tier == EXACT:
                sim = 1.0
            elif tier == LOOSE:
                sim = generic_sim  # "Idlib province" is the governorate more than the city
            else:
                sim = SequenceMatcher(None, lk, loose_key(place.name)).ratio()
            out.append(Candidate(place, tier, self.prominence(place), sim))
        # Exact and loose (article-insensitive) matches form one group; folded ones come after.
        out.sort(key=lambda c: (c.tier == FOLDED, -(0.5 * c.prominence - c.penalty), c.place.id))
        return out

    def lookup(self, name: str, country: str | None = None, limit: int | None = 20) -> list[Place]:
        """Places named ``name`` (any spelling variant), ranked; only ``country`` (ISO2) if given."""
        cands = self.candidates(name, country)
        return [c.place for c in (cands[:limit] if limit else cands)]

    def rank(self, name: str, context: ResolveContext | Mapping | None = None) -> list[tuple[Place, float]]:
        """Candidates of ``name`` scored with context (see docs/gazetteer.md), best first."""
        return [(c.place, s) for c, s, _ in self._rank(self.candidates(name), ResolveContext.coerce(context))]

    def resolve(self, name: str, context: ResolveContext | Mapping | None = None) -> Place | None:
        """The single most likely place for ``name`` given ``context``, or None if unknown.

        ``context`` may give ``country`` (ISO2 of the article's subject country) and ``near``
        (places already resolved in the same article). A folded (skeleton) match beats an
        exact one only when it has strictly more context support.
        """
        ranked = self._rank(self.candidates(name), ResolveContext.coerce(context))
        return ranked[0][0].place if ranked else None

    def _support(self, place: Place, ctx: ResolveContext) -> float:
        support = 0.0
        if ctx.country and place.country and place.country.upper() == ctx.country.upper():
            support += 2.5
        best = 0.0
        for near in ctx.near:
            if near.id == place.id:
                continue
            if near.kind == "country" or place.kind == "country":
                if near.country == place.country:
                    best = max(best, 1.0)
                continue
            if ("governorate" in (near.kind, place.kind) and place.country == near.country
                    and place.admin1 and place.admin1 == near.admin1):
                best = max(best, 2.0)  # a place and its governorate: consistent, not specific
                continue
            close, medium = (max(a, b) for a, b in zip(_NEAR_RADII.get(near.kind, (25, 80)),
                                                       _NEAR_RADII.get(place.kind, (25, 80))))
            d = distance_km(place, near)
            if d <= close:
                best = max(best, 4.0)
            elif d <= medium:
                best = max(best, 2.0)
        return support + best

    @staticmethod
    def _plausible(place: Place, ctx: ResolveContext) -> bool:
        """Could the writer have meant this place? Countries always; otherwise a place in the
        context's country or in the country of a place already resolved; anything without context."""
        if place.kind == "country" or (not ctx.country and not ctx.near):
            return True
        if ctx.country and place.country and place.country.upper() == ctx.country.upper():
            return True
        return any(n.country and n.country == place.country for n in ctx.near)

    def _rank(self, cands: list[Candidate], ctx: ResolveContext) -> list[tuple[Candidate, float, float]]:
        scored = []
        for c in cands:
            support = self._support(c.place, ctx)
            score = 0.5 * c.prominence + support - c.penalty
            scored.append((c, score, support))
        # A folded match never beats a plausible exact one ("Daraa" is Daraa even next to
        # Darayya); it may beat an exact match nobody in this context meant ("Sukri" is also a
        # name of Sucre, Bolivia).
        exact_ok = any(c.tier != FOLDED and self._plausible(c.place, ctx) for c, _, _ in scored)
        any_exact = any(c.tier != FOLDED for c, _, _ in scored)

        def demoted(c: Candidate) -> bool:
            # ... and a folded match that barely resembles the name never beats any exact one.
            return c.tier == FOLDED and (exact_ok or (any_exact and c.similarity < MIN_FOLD_SIMILARITY))

        scored.sort(key=lambda t: (demoted(t[0]), -t[1], t[0].tier, t[0].place.id))
        return scored

    # -- user layers ----------------------------------------------------------------------

    def load_layer(self, path: str | Path, name: str | None = None) -> int:
        """Add places from a JSON file ``[{"id","name","variants","kind","parent","lat","lon"}]``."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LayerError(f"gazetteer layer {path}: file not found") from None
        except json.JSONDecodeError as exc:
            raise LayerError(f"gazetteer layer {path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        return self.add_layer(data, name=name or path.stem, origin=str(path))

    def add_layer(self, places: Iterable[Mapping[str, Any] | Place], name: str = "layer", origin: str | None = None) -> int:
        """Add user places (dicts in the layer file format, or Place objects); returns how many.

        Layer places rank above shipped ones of the same tier, are reported by :meth:`scan`
        and, when ``country``/``admin1`` are not given, inherit them from their ``parent``.
        """
        where = origin or f"layer {name!r}"
        if isinstance(places, (str, bytes, Mapping)):
            raise LayerError(f"{where}: expected a list of place records, got {type(places).__name__}")
        added = 0
        for i, rec in enumerate(places):
            place, variants = self._layer_record(rec, name, f"{where} item {i}")
            row = len(self.index) + len(self._layer_places)
            self._layer_places.append(place)
            for n in [place.name, *variants]:
                self._index_layer_name(n, row)
            added += 1
        self._by_id = None
        return added

    def _layer_record(self, rec: Mapping[str, Any] | Place, layer: str, where: str) -> tuple[Place, list[str]]:
        if isinstance(rec, Place):
            return rec, []
        if not isinstance(rec, Mapping):
            raise LayerError(f"{where}: expected an object, got {type(rec).__name__}")
        missing = [k for k in ("id", "name", "kind", "lat", "lon") if rec.get(k) in (None, "")]
        if missing:
            raise LayerError(f"{where}: missing {', '.join(missing)}")
        kind = str(rec["kind"]).lower()
        if kind not in KINDS:
            raise LayerError(f"{where}: kind {rec['kind']!r} is not one of {sorted(KINDS)}")
        try:
            lat, lon = float(rec["lat"]), float(rec["lon"])
        except (TypeError, ValueError):
            raise LayerError(f"{where}: lat/lon must be numbers, got {rec['lat']!r}, {rec['lon']!r}") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise LayerError(f"{where}: lat/lon out of range: {lat}, {lon}")
        variants = rec.get("variants") or []
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise LayerError(f"{where}: variants must be a list of strings")
        parent = rec.get("parent") or None
        country, admin1 = rec.get("country"), rec.get("admin1")
        if parent and (country is None or admin1 is None):
            anchor = self.resolve(str(parent))
            if anchor is not None:
                country = country or anchor.country
                admin1 = admin1 or anchor.admin1
        pop = rec.get("population")
        place = Place(
            id=f"{layer}:{rec['id']}", name=str(rec["name"]), kind=kind, lat=lat, lon=lon,
            country=country.upper() if isinstance(country, str) else None, admin1=admin1,
            population=int(pop) if pop else None, source=layer, parent=str(parent) if parent else None,
        )
        return place, variants

    def _index_layer_name(self, name: str, row: int) -> None:
        key = exact_key(name)
        scan_ok = key not in curated.SCAN_STOP and len(key.replace(" ", "")) >= (3 if is_arabic(name) else 4)
        pairs = [("exact", exact_key(name)), ("loose", loose_key(name))] + [("skel", k) for k in skeleton_keys(name)]
        for section, key in pairs:
            if not key:
                continue
            targets = [section]
            if scan_ok and not (section == "skel" and len(key) < 4):
                targets.append("scan_" + section)
            for sec in targets:
                rows = self._layer_keys.setdefault(sec, {}).setdefault(key, [])
                if row not in rows:
                    rows.append(row)

    # -- text -----------------------------------------------------------------------------

    def scan(self, text: str, country: str | None = None) -> list[ScanHit]:
        """Place names in running text with character offsets and ranked candidates.

        Only names unlikely to be common words are reported (see docs/gazetteer.md).
        """
        from claimscope.geo.scan import scan_text

        return scan_text(self, text, country)

    def resolve_text(self, text: str, country: str | None = None) -> list[tuple[int, int, Place]]:
        """Scan ``text`` and resolve every hit, using the other hits as context."""
        from claimscope.geo.scan import resolve_hits, scan_hits

        return resolve_hits(self, text, scan_hits(self, text, country), country)
