"""The corpus-level linking stage: run after the per-article analyzers.

``link(store)`` reads every incident mention, casualty figure, claim and claim link, and
rebuilds incidents (clusters of mentions, with users' merges and splits replayed), the
claims' roles toward incidents, contradictions and narratives - computed in memory, then
written in one transaction (``Store.save_linking``), so a failed or interrupted run leaves the
previous state intact. A run is skipped when nothing it reads changed since the last one
(``force`` overrides); incident and narrative ids are carried over between runs.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from claimscope.linking import contradictions as contra
from claimscope.linking import narratives as narr
from claimscope.linking.clustering import cluster, mention_key
from claimscope.linking.manual import MERGE, SPLIT, apply_edits, assign_ids, stable_ids
from claimscope.linking.records import incident_record
from claimscope.linking.roles import claim_incidents, role_of, stance_labels
from claimscope.model import Link, LinkKind
from claimscope.store.base import Store

log = logging.getLogger(__name__)

VERSION = "1"
STEPS = ("load", "incidents", "roles", "contradictions", "narratives", "save")


@dataclass
class LinkReport:
    skipped: bool = False
    mentions: int = 0
    incidents: int = 0
    multi_article_incidents: int = 0
    locked: int = 0
    narratives: int = 0
    narrative_method: str = ""
    contradictions: dict[str, int] = field(default_factory=dict)
    stance_source: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        if self.skipped:
            return "link: up to date (nothing changed since the last run; --force to rebuild)"
        parts = [f"{self.incidents} incidents from {self.mentions} mentions "
                 f"({self.multi_article_incidents} reported by several articles, {self.locked} edited by hand)",
                 f"{self.narratives} narratives ({self.narrative_method})",
                 "contradictions: " + (", ".join(f"{k} {v}" for k, v in sorted(self.contradictions.items())) or "none")]
        return "link: " + "; ".join(parts) + f" in {self.seconds:.1f} s"


def link(store: Store, *, force: bool = False, progress: Callable[[str], Any] | None = None,
         membership_overrides: dict[int, list[str] | None] | None = None) -> LinkReport:
    """Rebuild incidents, roles, contradictions and narratives from the stored analyses.

    ``membership_overrides`` (used by manual merge/split) replaces the stored mention keys of
    some incidents before ids are carried over (None drops an incident id)."""
    started = time.perf_counter()
    report = LinkReport()
    state = store.get_setting("linking.state", {}) or {}
    fingerprint = store.linking_fingerprint()
    if not force and not membership_overrides and state.get("version") == VERSION \
            and state.get("fingerprint") == fingerprint:
        report.skipped = True
        return report

    def step(name: str) -> None:
        if progress:
            progress(name)

    # -- load ------------------------------------------------------------------------------
    meta = store.article_meta()
    roots = {aid: _root(aid, meta) for aid in meta}
    mentions = {}
    for m in store.incident_mentions(limit=None):
        m["published_at"] = (meta.get(m["article_id"]) or {}).get("published_at")
        mentions[int(m["id"])] = m
    report.mentions = len(mentions)
    previous_incidents = store.incidents()
    step("load")

    # -- incidents ---------------------------------------------------------------------------
    groups = cluster(list(mentions.values()))
    edits = store.manual_edits(kind_prefix="incident_")
    groups, warnings = apply_edits(groups, mentions, [e for e in edits if e["kind"] in (MERGE, SPLIT)])
    report.warnings += warnings
    previous = {int(inc["id"]): set((inc.get("attrs") or {}).get("mention_keys", [])) for inc in previous_incidents}
    for inc_id, keys in (membership_overrides or {}).items():
        if keys is None:
            previous.pop(int(inc_id), None)
        else:
            previous[int(inc_id)] = set(keys)
    ids, next_incident = assign_ids(groups, mentions, previous, int(state.get("next_incident_id", 1)))
    incidents = [incident_record(inc_id, g, mentions) for inc_id, g in zip(ids, groups)]
    mention_incident = {m: inc_id for inc_id, g in zip(ids, groups) for m in g.members}
    report.incidents = len(incidents)
    report.multi_article_incidents = sum(1 for i in incidents if i["attrs"]["articles"] > 1)
    report.locked = sum(1 for i in incidents if i["locked"])
    step("incidents")

    # -- roles: which claims speak about which incident, and how ------------------------------
    claims = {int(c["id"]): c for c in store.claims(limit=None)}
    claim_links = store.links(kind=str(LinkKind.CLAIM_INCIDENT))
    about = claim_incidents(claim_links, mention_incident)
    stances = stance_labels([lk for lk in store.links(kind=str(LinkKind.STANCE)) if lk.get("producer") != "linking"],
                            mention_incident)
    report.stance_source = "stance links" if stances else "claim types"
    entries_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    role_links: list[Link] = []
    for claim_id, incs in about.items():
        claim = claims.get(claim_id)
        if claim is None:
            continue
        for inc_id in sorted(incs):
            stance, _ = stances.get((claim_id, inc_id), (None, None))
            role = role_of(claim, stance)
            entries_by_incident[inc_id].append({**claim, "role": role, "root": roots.get(claim["article_id"]),
                                                "outlet": (meta.get(claim["article_id"]) or {}).get("outlet")})
            role_links.append(Link(kind=LinkKind.STANCE, from_type="claim", from_id=claim_id, to_type="incident",
                                   to_id=inc_id, label=role, producer="linking",
                                   attrs={"stance": stance, "source": "stance" if stance else "claim_type"}))
    step("roles")

    # -- contradictions ----------------------------------------------------------------------
    figures = store.casualty_figures(mention_ids=list(mention_incident)) if mention_incident else []
    figures_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for fig in figures:
        fig["published_at"] = (meta.get(fig["article_id"]) or {}).get("published_at")
        inc = mention_incident.get(int(fig["mention_id"])) if fig.get("mention_id") is not None else None
        if inc is not None and meta.get(fig["article_id"], {}).get("duplicate_of") is None:
            figures_by_incident[inc].append(fig)  # a syndicated copy repeats its original's figures
    members_by_incident: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m_id, inc_id in mention_incident.items():
        members_by_incident[inc_id].append(mentions[m_id])
    contradiction_links: list[Link] = []
    for inc in incidents:
        inc_id = inc["id"]
        articles = {m["article_id"] for m in members_by_incident[inc_id] if not meta.get(m["article_id"], {}).get("duplicate_of")
                    and str(m.get("modality")) not in ("anticipated", "hypothetical")}
        contradiction_links += contra.casualty_contradictions(inc_id, figures_by_incident.get(inc_id, []), articles)
        contradiction_links += contra.attribution_contradictions(inc_id, members_by_incident[inc_id])
        contradiction_links += contra.claim_contradictions(inc_id, entries_by_incident.get(inc_id, []))
    report.contradictions = dict(Counter(str(lk.label) for lk in contradiction_links))
    step("contradictions")

    # -- narratives ---------------------------------------------------------------------------
    items, vectors, method = _narrative_inputs(store, claims, meta, roots)
    records, method = narr.build(items, vectors)
    if method == "lexical":
        log.warning("narratives: claim vectors unavailable (no encoder installed or claims not embedded); "
                    "using the lexical fallback")
    previous_narratives = {int(n["id"]): set((n.get("attrs") or {}).get("member_keys", []))
                           for n in store.narratives()}
    key_of = {it.id: it.key for it in items}
    narrative_ids, next_narrative = stable_ids([{key_of[c] for c in r["members"]} for r in records],
                                               previous_narratives, int(state.get("next_narrative_id", 1)))
    narrative_links = []
    for nid, record in zip(narrative_ids, records):
        record["id"] = nid
        record["method"] = method
        for claim_id in record.pop("members"):
            narrative_links.append(Link(kind=LinkKind.NARRATIVE_MEMBER, from_type="claim", from_id=claim_id,
                                        to_type="narrative", to_id=nid, producer="linking"))
    report.narratives = len(records)
    report.narrative_method = method
    step("narratives")

    # -- save (one transaction) -----------------------------------------------------------------
    new_state = {"version": VERSION, "fingerprint": fingerprint, "next_incident_id": next_incident,
                 "next_narrative_id": next_narrative, "narrative_method": method,
                 "stance_source": report.stance_source, "warnings": report.warnings[:50]}
    store.save_linking(incidents=incidents, mention_incident=mention_incident,
                       links=role_links + contradiction_links + narrative_links, narratives=records, state=new_state)
    step("save")
    for w in report.warnings:
        log.warning("%s", w)
    report.seconds = time.perf_counter() - started
    return report


def _root(article_id: str, meta: dict[str, dict[str, Any]]) -> str:
    """The original of a syndicated copy (following duplicate_of), else the article itself."""
    seen = set()
    while meta.get(article_id, {}).get("duplicate_of") and article_id not in seen:
        seen.add(article_id)
        article_id = meta[article_id]["duplicate_of"]
    return article_id


def _narrative_inputs(store: Store, claims: dict[int, dict[str, Any]], meta: dict[str, dict[str, Any]],
                      roots: dict[str, str]) -> tuple[list[narr.ClaimItem], np.ndarray | None, str]:
    items = [narr.ClaimItem(id=cid, text=c["text"], article_id=c["article_id"], root=roots.get(c["article_id"], c["article_id"]),
                            published_at=(meta.get(c["article_id"]) or {}).get("published_at"),
                            outlet=(meta.get(c["article_id"]) or {}).get("outlet"),
                            key=f"{c['article_id']}:{c['content_start']}:{c['content_end']}")
             for cid, c in sorted(claims.items())]
    if not items or store.claim_vector_count() < 0.9 * len(items):
        return items, None, "lexical"
    from claimscope.nn.embed import from_blob

    found: dict[int, np.ndarray] = {}
    after = 0
    while True:
        rows = store.claim_vectors(after_claim_id=after)
        if not rows:
            break
        for cid, blob in rows:
            found[cid] = from_blob(blob)
        after = rows[-1][0]
    kept = [it for it in items if it.id in found]
    if len(kept) < 0.9 * len(items):
        return items, None, "lexical"
    if len(kept) < len(items):
        log.info("narratives: %d claims without a vector are left out", len(items) - len(kept))
    vectors = np.stack([found[it.id] for it in kept]).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return kept, vectors, "vectors"


def mention_keys_of(store: Store, incident_id: int) -> list[str]:
    return [mention_key(m) for m in store.mentions_of_incident(incident_id)]
