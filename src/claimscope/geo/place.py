"""The gazetteer's record type and great-circle distance."""

from __future__ import annotations

import math
from dataclasses import dataclass

from claimscope.model import GeoPrecision

KINDS = frozenset(p.value for p in GeoPrecision)
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    """One place. ``kind`` is a :class:`~claimscope.model.GeoPrecision` value.

    ``id`` is stable across rebuilds of the same sources: ``gn:<geonameid>``,
    ``sa:<pk>`` (Syrian Archive), ``ocha:<pCode>``, ``gov:<slug>``, ``region:<slug>``,
    ``country:<ISO2>``, or ``<layer>:<id>`` for a user layer.
    """

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # governorate name for Syria (e.g. "Aleppo"), else GeoNames admin1 code
    population: int | None = None
    source: str = ""  # geonames | syrianarchive | ocha | curated | <layer name>
    parent: str | None = None  # name of the enclosing place where known (neighbourhood -> city)

    @property
    def precision(self) -> GeoPrecision:
        return GeoPrecision(self.kind)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "lat": self.lat, "lon": self.lon,
            "country": self.country, "admin1": self.admin1, "population": self.population,
            "source": self.source, "parent": self.parent,
        }


def distance_km(a: Place | tuple[float, float], b: Place | tuple[float, float]) -> float:
    """Haversine distance in km between two places or (lat, lon) pairs."""
    lat1, lon1 = (a.lat, a.lon) if isinstance(a, Place) else a
    lat2, lon2 = (b.lat, b.lon) if isinstance(b, Place) else b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def offset(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lon) along ``bearing_deg`` (0 = north, 90 = east)."""
    d = km / EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return round(math.degrees(p2), 5), round((math.degrees(l2) + 540) % 360 - 180, 5)
