"""Offline gazetteer: place names in articles -> coordinates with a precision level.

    from claimscope.geo import Gazetteer
    gaz = Gazetteer.default()
    gaz.resolve("Sukri", {"country": "SY", "near": [gaz.resolve("Aleppo")]})

See docs/gazetteer.md.
"""

from claimscope.geo.gazetteer import (
    Candidate,
    Gazetteer,
    LayerError,
    ResolveContext,
    ScanHit,
)
from claimscope.geo.index import IndexError_ as GazetteerIndexError
from claimscope.geo.names import exact_key, loose_key, skeleton_key, skeleton_keys
from claimscope.geo.place import Place, distance_km, offset

__all__ = [
    "Candidate", "Gazetteer", "GazetteerIndexError", "LayerError", "Place", "ResolveContext", "ScanHit",
    "distance_km", "exact_key", "loose_key", "offset", "skeleton_key", "skeleton_keys",
]
