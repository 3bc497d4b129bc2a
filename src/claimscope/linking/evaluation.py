"""Scoring the linking stage against the demo corpus's written ground truth (truth.json)
and pairwise clustering metrics, shared by tests and bench/linking.py."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from claimscope.store.base import Store


def pairwise_prf(truth: dict[Any, Any], predicted: dict[Any, Any]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of a clustering: items -> cluster label, over the items in
    ``truth`` (an item missing from ``predicted`` is a singleton)."""
    items = sorted(truth, key=str)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same_t = truth[a] == truth[b]
        pa, pb = predicted.get(a), predicted.get(b)
        same_p = pa is not None and pa == pb
        tp += same_t and same_p
        fp += same_p and not same_t
        fn += same_t and not same_p
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "pairs_true": tp + fn,
            "pairs_predicted": tp + fp}


def demo_articles(store: Store) -> dict[str, Any]:
    """demo file name -> stored Article."""
    out = {}
    for article in store.articles(limit=None):
        name = (article.metadata or {}).get("demo_file")
        if name:
            out[name] = article
    return out


def _place_family() -> dict[str, set[str]]:
    """demo place id -> itself and its ancestors (a mention placed in Harsun can be an incident
    in at-Tarrafiyya, a neighbourhood of Harsun)."""
    import json

    from claimscope.demo import places_path

    places = {p["id"]: p for p in json.loads(places_path().read_text(encoding="utf-8"))}
    out = {}
    for pid in places:
        chain, cur = {pid}, places[pid].get("parent")
        while cur:
            chain.add(cur)
            cur = places.get(cur, {}).get("parent")
        out[pid] = chain
    return out


def align_demo_mentions(store: Store, truth: dict[str, Any]) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], int | None]]:
    """Truth items (demo file, truth incident id) -> truth incident, and -> predicted incident id
    of the stored mention aligned to it (None when no extracted mention aligns).

    A stored mention aligns to the truth incident of its article whose place is the mention's
    place or lies inside it, preferring a matching event type and the article's main incident."""
    articles = demo_articles(store)
    family = _place_family()
    truth_items: dict[tuple[str, str], str] = {}
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for inc in truth["incidents"]:
        for m in inc["mentions"]:
            truth_items[(m["article"], inc["id"])] = inc["id"]
            by_article[m["article"]].append({**m, "incident": inc})
    predicted: dict[tuple[str, str], int | None] = {item: None for item in truth_items}
    for name, article in articles.items():
        candidates = by_article.get(name, [])
        mentions = sorted(store.incident_mentions(article_id=article.id, limit=None),
                          key=lambda m: (not m.get("is_main"), m["start"]))
        for m in mentions:
            best, best_score = None, 0.0
            for cand in candidates:
                inc = cand["incident"]
                places = {inc["place"], *inc.get("other_places", [])}
                score = 0.0
                pid = (m.get("place_id") or "").rsplit(":", 1)[-1] or None  # "places:tarrafiyya"
                if pid in places:
                    score += 3
                elif pid and any(pid in family.get(p, ()) for p in places):
                    score += 1.5
                elif pid:
                    continue
                score += 1.0 if m.get("event_type") == inc["event_type"] else 0.0
                score += 0.5 if bool(m.get("is_main")) == (cand["role"] == "main") else 0.0
                if score > best_score:
                    best, best_score = cand, score
            if best is not None:
                item = (name, best["incident"]["id"])
                if predicted[item] is None and m.get("incident_id") is not None:
                    predicted[item] = int(m["incident_id"])
    return truth_items, predicted


def demo_incident_scores(store: Store, truth: dict[str, Any]) -> dict[str, float]:
    truth_items, predicted = align_demo_mentions(store, truth)
    scores = pairwise_prf(truth_items, {k: v for k, v in predicted.items() if v is not None})
    scores["aligned"] = sum(v is not None for v in predicted.values())
    scores["items"] = len(truth_items)
    return scores


def claim_for_phrase(store: Store, article, phrase: str) -> int | None:
    """The stored claim whose content span overlaps the phrase most (None when none does)."""
    start = article.text.find(phrase)
    if start < 0:
        return None
    end = start + len(phrase)
    best, overlap = None, 0
    for c in store.claims(article_id=article.id):
        o = min(end, c["content_end"]) - max(start, c["content_start"])
        if o > overlap:
            best, overlap = c["id"], o
    return best


def demo_narrative_scores(store: Store, truth: dict[str, Any]) -> dict[str, Any]:
    """Pairwise P/R/F1 of narrative membership over the truth's member phrases that map to a claim."""
    from claimscope.model import LinkKind

    articles = demo_articles(store)
    member_of = {int(lk["from_id"]): int(lk["to_id"]) for lk in store.links(kind=str(LinkKind.NARRATIVE_MEMBER))}
    truth_items, predicted, missing = {}, {}, []
    for narrative in truth["narratives"]:
        for m in narrative["members"]:
            article = articles.get(m["article"])
            claim = claim_for_phrase(store, article, m["phrase"]) if article else None
            if claim is None:
                missing.append((m["article"], m["phrase"]))
                continue
            truth_items[claim] = narrative["id"]
            if claim in member_of:
                predicted[claim] = member_of[claim]
    scores = pairwise_prf(truth_items, predicted)
    scores["mapped"] = len(truth_items)
    scores["unmapped_phrases"] = len(missing)
    return scores
