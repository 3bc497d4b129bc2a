"""When are two incident mentions the same real-world incident?

Each test returns a verdict and a sentence of evidence that is shown to users
(``claimscope incident ID``). The tests are deliberately explicit rules rather than a learned
score: an analyst must be able to see *why* two reports were merged and overrule it.

- event type: compatible types only (``incidents.taxonomy.compatible``: an air strike and an
  "explosion" can be one incident, a chemical attack and an armed clash cannot);
- modality: anticipated/hypothetical incidents (warnings of an attack to come) never merge with
  reported ones;
- date: the intervals overlap, with a tolerance that grows with the coarser precision (a
  "two years ago" is not exact to the day);
- place: within a distance that depends on the coarser geo precision of the two;
- agent: two specific, different weapons (sarin vs chlorine, car bomb vs barrel bomb) conflict;
  a generic one ("toxic gas") fits any of its family.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# How far apart two places of a precision may be and still be "the same place", in km.
# The coarser precision of the two decides: a town-level report matches a neighbourhood in it.
PLACE_RADIUS_KM = {
    "neighbourhood": 3.0,
    "town": 12.0,
    "district": 35.0,
    "governorate": 90.0,
    "country": 800.0,
    "region": 2000.0,
}
_PRECISION_RANK = {k: i for i, k in enumerate(PLACE_RADIUS_KM)}

# Slack added on each side of a date interval, by the coarser date precision of the two.
DATE_TOLERANCE_DAYS = {"datetime": 1, "day": 1, "week": 3, "month": 5, "year": 62}
_DATE_RANK = {"datetime": 0, "day": 1, "week": 2, "month": 3, "year": 4, "unknown": 5}

FORECAST = frozenset({"anticipated", "hypothetical"})
# Warnings of an attack to come have no event date; two published this close together about
# places in one area are taken as the same warning, and their places (an area, not a site)
# are compared at governorate radius at least.
FORECAST_WINDOW_DAYS = 14

# Chemical agents grouped by what a witness could confuse: a "nerve agent" report and a "sarin"
# report can be one incident, a chlorine and a sarin report cannot.
_AGENT_GROUPS = {
    "sarin": "nerve", "vx": "nerve", "nerve agent": "nerve", "tabun": "nerve", "soman": "nerve",
    "chlorine": "choking", "phosgene": "choking", "choking agent": "choking",
    "mustard gas": "blister",
    "toxic gas": "*chemical", "chemical weapon": "*chemical", "chemical": "*chemical",
}


@dataclass
class PairCheck:
    """The outcome of comparing two mentions."""

    conflict: str | None = None  # why they cannot be one incident
    reasons: list[str] = field(default_factory=list)  # what they share (shown as evidence)
    support: float = 0.0  # strength of the positive evidence, used to order merges
    place_match: bool = False
    date_match: bool = False
    agent_match: bool = False

    @property
    def linkable(self) -> bool:
        """Enough positive evidence to merge: the same place, or the same date and weapon."""
        return self.conflict is None and (self.place_match or (self.date_match and self.agent_match))


# ------------------------------------------------------------------------------------ dates
def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(value))
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _expand_end(start: date, raw: str, precision: str) -> date:
    """The last day a partial date covers ("2019-11" -> 2019-11-30)."""
    parts = raw[:10].split("-")
    if precision == "year" or len(parts) == 1:
        return date(start.year, 12, 31)
    if precision == "month" or len(parts) == 2:
        return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    if precision == "week":
        return start + timedelta(days=6)
    return start


def interval(mention: dict[str, Any]) -> tuple[date, date] | None:
    """The mention's incident date as a closed day interval, or None when it has no date."""
    start = _parse_day(mention.get("date_start"))
    if start is None:
        return None
    precision = str(mention.get("date_precision") or "day")
    end = _parse_day(mention.get("date_end"))
    if end is None or end < start:
        end = _expand_end(start, str(mention["date_start"]), precision)
    return start, end


def date_precision(mention: dict[str, Any]) -> str:
    value = str(mention.get("date_precision") or "unknown")
    return value if value in _DATE_RANK else "unknown"


def coarser_date(a: str, b: str) -> str:
    return a if _DATE_RANK.get(a, 5) >= _DATE_RANK.get(b, 5) else b


def check_dates(a: dict[str, Any], b: dict[str, Any], out: PairCheck) -> None:
    ia, ib = interval(a), interval(b)
    if ia and ib:
        precision = coarser_date(date_precision(a), date_precision(b))
        slack = timedelta(days=DATE_TOLERANCE_DAYS.get(precision, 1))
        if ia[0] - slack <= ib[1] and ib[0] - slack <= ia[1]:
            out.date_match = True
            out.support += {"datetime": 2.0, "day": 2.0, "week": 1.5, "month": 1.0}.get(precision, 0.5)
            out.reasons.append(f"dates overlap ({_show(ia)} and {_show(ib)}, {precision} precision)")
        else:
            out.conflict = f"dates do not overlap ({_show(ia)} vs {_show(ib)})"
        return
    # Two undated warnings of an attack to come: the same warning if published close together.
    if ia is None and ib is None and str(a.get("modality")) in FORECAST and str(b.get("modality")) in FORECAST:
        pa, pb = _parse_day(a.get("published_at")), _parse_day(b.get("published_at"))
        if pa and pb:
            days = abs((pa - pb).days)
            if days <= FORECAST_WINDOW_DAYS:
                out.date_match = True
                out.support += 1.0
                out.reasons.append(f"both anticipate an attack, published {days} days apart")
            else:
                out.conflict = f"warnings published {days} days apart"
        return
    # An undated mention happened before the article reporting it (unless it is a forecast).
    for dated, undated, iv in ((a, b, ia), (b, a, ib)):
        if iv is None or interval(undated) is not None:
            continue
        published = _parse_day(undated.get("published_at"))
        if published is None or str(undated.get("modality")) in FORECAST:
            out.reasons.append("one mention is undated")
        elif iv[0] > published + timedelta(days=1):
            out.conflict = (f"undated mention published {published.isoformat()}, before the other's date "
                            f"{iv[0].isoformat()}")
        else:
            out.reasons.append(f"undated mention, published {published.isoformat()} after {_show(iv)}")
        return


def _show(iv: tuple[date, date]) -> str:
    return iv[0].isoformat() if iv[0] == iv[1] else f"{iv[0].isoformat()}/{iv[1].isoformat()}"


# ------------------------------------------------------------------------------------ places
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def geo_precision(mention: dict[str, Any]) -> str | None:
    value = mention.get("geo_precision")
    if value in PLACE_RADIUS_KM:
        return str(value)
    return "town" if has_place(mention) else None


def has_place(mention: dict[str, Any]) -> bool:
    return bool(mention.get("place_id") or mention.get("place_name") or mention.get("latitude") is not None)


def _norm_place(name: str | None) -> str:
    name = (name or "").lower()
    name = re.sub(r"^(?:al|el|at|ad|ar|as|an|az)[- ]", "", name)
    return re.sub(r"[^a-z0-9]", "", name)


def check_places(a: dict[str, Any], b: dict[str, Any], out: PairCheck) -> None:
    if not (has_place(a) and has_place(b)):
        return
    pa, pb = geo_precision(a) or "town", geo_precision(b) or "town"
    coarser = pa if _PRECISION_RANK[pa] >= _PRECISION_RANK[pb] else pb
    if str(a.get("modality")) in FORECAST and str(b.get("modality")) in FORECAST \
            and _PRECISION_RANK[coarser] < _PRECISION_RANK["governorate"]:
        coarser = "governorate"
    label = f"{a.get('place_name') or a.get('place_id')} / {b.get('place_name') or b.get('place_id')}"
    if coarser in ("country", "region") and a.get("country") and b.get("country"):
        if str(a["country"]).lower() == str(b["country"]).lower():
            out.place_match = True
            out.support += 0.25
            out.reasons.append(f"same country ({a['country']}; {coarser} precision)")
        else:
            out.conflict = f"different countries ({a['country']} vs {b['country']})"
        return
    if None not in (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")):
        km = haversine_km(float(a["latitude"]), float(a["longitude"]), float(b["latitude"]), float(b["longitude"]))
        radius = PLACE_RADIUS_KM[coarser]
        if km <= radius:
            out.place_match = True
            out.support += {"neighbourhood": 2.5, "town": 2.0, "district": 1.5, "governorate": 1.0}.get(coarser, 0.25)
            out.reasons.append(f"places {label} are {km:.1f} km apart (within {radius:g} km at {coarser} precision)")
        else:
            out.conflict = f"places {label} are {km:.0f} km apart (more than {radius:g} km at {coarser} precision)"
        return
    same = (a.get("place_id") and a.get("place_id") == b.get("place_id")) or (
        _norm_place(a.get("place_name")) and _norm_place(a.get("place_name")) == _norm_place(b.get("place_name")))
    if same:
        out.place_match = True
        out.support += 1.5
        out.reasons.append(f"same place name ({label})")
    elif a.get("admin1") and a.get("admin1") == b.get("admin1") and coarser in ("governorate", "district"):
        out.place_match = True
        out.support += 0.75
        out.reasons.append(f"same governorate ({a['admin1']})")
    else:
        out.conflict = f"different places without coordinates ({label})"


# ---------------------------------------------------------------------------- type and agent
def _types_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        from claimscope.incidents.taxonomy import EVENT_TYPES, compatible
    except ImportError:  # taxonomy absent: only identical or unspecified types match
        return "unspecified" in (a, b)
    if a in EVENT_TYPES and b in EVENT_TYPES:
        return compatible(a, b)
    return "unspecified" in (a, b)


def agent_family(agent: str) -> tuple[str, str | None]:
    """("chemical", group) or ("conventional", implied event type) for a canonical agent name."""
    key = agent.lower().strip()
    for name, group in _AGENT_GROUPS.items():
        if key == name or key.startswith(name) or name in key:
            return "chemical", group
    if any(w in key for w in ("gas", "chemical", "toxic", "nerve", "sarin", "chlorine")):
        return "chemical", "*chemical"
    try:
        from claimscope.incidents.taxonomy import AGENTS

        for item in AGENTS:
            if item.name.lower() == key:
                return "conventional", item.event_type
    except ImportError:
        pass
    return "conventional", None


def check_agents(a: dict[str, Any], b: dict[str, Any], out: PairCheck) -> None:
    xa, xb = (a.get("agent") or "").strip(), (b.get("agent") or "").strip()
    if not xa or not xb:
        return
    if xa.lower() == xb.lower():
        out.agent_match = True
        out.support += 1.0
        out.reasons.append(f"same weapon ({xa})")
        return
    fa, ga = agent_family(xa)
    fb, gb = agent_family(xb)
    if fa == fb == "chemical":
        if ga == gb or "*chemical" in (ga, gb):
            out.agent_match = True
            out.support += 0.5
            out.reasons.append(f"compatible chemical agents ({xa} / {xb})")
        else:
            out.conflict = f"different chemical agents ({xa} vs {xb})"
    elif fa == fb == "conventional" and ga and gb and not _types_compatible(ga, gb):
        out.conflict = f"different weapons ({xa} vs {xb})"
    # a chemical agent and its delivery ("chlorine" / "barrel bomb") can describe one attack


# ------------------------------------------------------------------------------------ the test
def compare(a: dict[str, Any], b: dict[str, Any]) -> PairCheck:
    """Compare two mentions (rows of incident_mentions plus ``published_at`` of their article)."""
    out = PairCheck()
    ta, tb = str(a.get("event_type") or "unspecified"), str(b.get("event_type") or "unspecified")
    if not _types_compatible(ta, tb):
        out.conflict = f"incompatible event types ({ta} vs {tb})"
        return out
    out.reasons.append(f"event types {ta}" + ("" if ta == tb else f" / {tb}"))
    out.support += 0.5 if ta == tb else 0.0
    if (str(a.get("modality")) in FORECAST) != (str(b.get("modality")) in FORECAST):
        out.conflict = "one reports an incident, the other anticipates one"
        return out
    for test in (check_agents, check_dates, check_places):
        test(a, b, out)
        if out.conflict:
            return out
    pa, pb = (a.get("perpetrator") or "").strip().lower(), (b.get("perpetrator") or "").strip().lower()
    if pa and pa == pb:
        out.support += 0.5
        out.reasons.append(f"same alleged perpetrator ({a['perpetrator']})")
    return out
