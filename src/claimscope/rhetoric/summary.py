"""Per-outlet technique rates: how much persuasion each outlet's articles carry.

Rates are technique spans per 1,000 words of the outlet's stored articles, overall and
per technique, so outlets that publish long and short pieces compare fairly. The counts
come from the store's ``outlet_profiles()`` (one SQL pass); a store without it is read
row by row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .taxonomy import get_technique

NO_OUTLET = "(no outlet)"


def _profiles(store) -> list[dict[str, Any]]:
    if hasattr(store, "outlet_profiles"):
        return [{"outlet_id": p["outlet_id"], "articles": p["articles"], "words": p["words"],
                 "technique_labels": dict(p.get("technique_labels") or {})} for p in store.outlet_profiles()]
    outlet_of: dict[str, int | None] = {}
    profiles: dict[int | None, dict[str, Any]] = {}
    for row in store.rows("articles"):
        outlet_of[row["id"]] = row.get("outlet_id")
        p = profiles.setdefault(row.get("outlet_id"), {"outlet_id": row.get("outlet_id"), "articles": 0, "words": 0,
                                                        "technique_labels": Counter()})
        p["articles"] += 1
        p["words"] += int(row.get("word_count") or len((row.get("text") or "").split()))
    for row in store.rows("technique_spans"):
        outlet_id = outlet_of.get(row["article_id"])
        if outlet_id in profiles:
            profiles[outlet_id]["technique_labels"][row["technique"]] += 1
    return [{**p, "technique_labels": dict(p["technique_labels"])} for p in profiles.values()]


def outlet_technique_rates(store) -> list[dict[str, Any]]:
    """One row per outlet with articles: ``outlet``, ``articles``, ``words``, ``techniques``
    (span count), ``per_1000_words`` and ``by_technique`` (label -> {"spans", "per_1000_words"},
    most used first); outlets with the highest overall rate first."""
    names = defaultdict(lambda: NO_OUTLET, {o.id: o.name for o in store.outlets()})
    out = []
    for p in _profiles(store):
        if not p["articles"]:
            continue
        words = max(int(p["words"]), 1)
        labels = sorted(p["technique_labels"].items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(n for _, n in labels)
        out.append({
            "outlet": names[p["outlet_id"]], "outlet_id": p["outlet_id"], "articles": p["articles"],
            "words": int(p["words"]), "techniques": total, "per_1000_words": round(1000 * total / words, 2),
            "by_technique": {label: {"spans": n, "per_1000_words": round(1000 * n / words, 2)} for label, n in labels},
        })
    out.sort(key=lambda r: (-r["per_1000_words"], r["outlet"]))
    return out


def _name(label: str) -> str:
    try:
        return get_technique(label).name
    except KeyError:
        return label


def format_outlet_rates(rows: list[dict[str, Any]], top: int = 3) -> str:
    """Plain-text table: outlet, articles, words, spans, spans per 1,000 words, top techniques."""
    if not rows:
        return "no articles stored yet"
    width = max(len("outlet"), *(len(r["outlet"]) for r in rows))
    lines = [f"{'outlet':<{width}}  {'articles':>8} {'words':>8} {'spans':>6} {'/1k words':>9}  top techniques (/1k words)"]
    for r in rows:
        tops = ", ".join(f"{_name(label)} {v['per_1000_words']:.1f}" for label, v in list(r["by_technique"].items())[:top])
        lines.append(f"{r['outlet']:<{width}}  {r['articles']:>8} {r['words']:>8} {r['techniques']:>6} "
                     f"{r['per_1000_words']:>9.1f}  {tops or '-'}")
    return "\n".join(lines)
