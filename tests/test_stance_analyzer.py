"""The stance analyzer in the pipeline: one stance link per claim→incident link, right labels on
invented text, and re-use of stored upstream results when only stance is outdated."""

from __future__ import annotations

import claimscope
from claimscope.model import LinkKind

DENIAL_ARTICLE = (
    "Vardenia denies chlorine attack on Kessel\n\n"
    "KESSEL, March 3 (Norland Wire) - Residents said a chlorine attack hit the Ostrava quarter of Kessel "
    "on Tuesday, killing 12 people.\n\n"
    "The Vardenian Interior Ministry denied that its forces had used chlorine in Kessel, calling the "
    "reports baseless fabrications spread by armed groups.\n\n"
    "The ministry accused the Kessel Brigades of staging the attack to halt the army's advance."
)


def _stance_links(cs):
    return [lk for lk in cs.store.links(kind=LinkKind.STANCE.value) if lk.get("producer") == "stance"]


def test_stance_links_follow_claim_incident_links(cs):
    cs.ingest_text(DENIAL_ARTICLE, outlet="Norland Wire", published_at="2023-03-03")
    cs.analyze()
    claim_incident = [lk for lk in cs.store.links(kind=LinkKind.CLAIM_INCIDENT.value)]
    stance = _stance_links(cs)
    assert claim_incident, "the incidents analyzer linked no claim to the chlorine attack"
    assert {(lk["from_id"], lk["to_id"]) for lk in stance} == {(lk["from_id"], lk["to_id"]) for lk in claim_incident}
    claims = {str(c["id"]): c for c in cs.store.claims()}
    labels = {claims[lk["from_id"]]["claim_type"]: lk["label"] for lk in stance}
    assert labels.get("denial") == "denies", labels
    assert labels.get("counter_accusation") == "counter_accuses", labels
    assert all(0.0 <= lk["score"] <= 1.0 for lk in stance)
    assert all(lk["label"] in {"supports", "denies", "counter_accuses", "neutral"} for lk in stance)


def test_stance_alone_rerun_reads_stored_upstream(cs):
    cs.ingest_text(DENIAL_ARTICLE, outlet="Norland Wire", published_at="2023-03-03")
    cs.analyze()
    before = sorted((lk["from_id"], lk["to_id"], lk["label"]) for lk in _stance_links(cs))
    # An outdated stance version only: claims and incidents are read back from the store.
    cs.store.conn.execute("UPDATE analysis_runs SET analyzer_version = 'old' WHERE analyzer = 'stance'")
    cs.store.conn.commit()
    report = cs.analyze()
    assert report.analyzed.get("stance") == 1 and not report.analyzed.get("claims")
    after = sorted((lk["from_id"], lk["to_id"], lk["label"]) for lk in _stance_links(cs))
    assert after == before and after
