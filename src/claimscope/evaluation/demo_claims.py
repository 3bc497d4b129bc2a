"""How well the stored claims of the demo corpus match the claims written into its truth.json.

A gold claim is found when a predicted claim of the same article has a content span overlapping
the gold content by at least half of the shorter of the two. For found claims we compare the
claim type, the polarity, and the speaker (normalised names match when one contains the other).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimscope import demo
from claimscope.store.base import Store


@dataclass
class ClaimMatchReport:
    gold: int = 0
    found: int = 0
    type_correct: int = 0
    polarity_correct: int = 0
    speaker_correct: int = 0
    misses: list[dict] = field(default_factory=list)
    wrong_type: list[tuple[dict, dict]] = field(default_factory=list)
    wrong_speaker: list[tuple[dict, dict]] = field(default_factory=list)

    def as_metrics(self) -> dict[str, float]:
        found = max(self.found, 1)
        return {"recall": round(self.found / max(self.gold, 1), 3), "type_acc": round(self.type_correct / found, 3),
                "polarity_acc": round(self.polarity_correct / found, 3),
                "speaker_acc": round(self.speaker_correct / found, 3)}


def _norm(name: str | None) -> str:
    name = (name or "").lower()
    name = re.sub(r"^(the|a|an)\s+", "", name)
    return re.sub(r"[^a-z0-9 ]+", " ", name).split(" (")[0].strip()


def speakers_match(gold: str | None, predicted: dict) -> bool:
    if gold is None:
        return predicted["speaker"] is None or predicted["source_kind"] == "anonymous"
    g = _norm(gold)
    for value in (predicted.get("speaker"), predicted.get("speaker_norm"), predicted.get("attrs", {}).get("speaker_mention")):
        p = _norm(value)
        if p and (g in p or p in g):
            return True
    return False


def evaluate(store: Store) -> ClaimMatchReport:
    truth = demo.truth()
    by_file = {a.metadata.get("demo_file"): a for a in store.articles(limit=None)}
    report = ClaimMatchReport()
    for gold in truth["claims"]:
        article = by_file.get(gold["article"])
        if article is None:
            continue
        report.gold += 1
        start = gold.get("content_start")
        if start is None:
            start = article.text.find(gold["content_excerpt"])
        end = start + len(gold["content_excerpt"])
        best, best_overlap = None, 0.0
        for claim in store.claims(article_id=article.id):
            overlap = min(end, claim["content_end"]) - max(start, claim["content_start"])
            shorter = min(end - start, claim["content_end"] - claim["content_start"]) or 1
            ratio = overlap / shorter
            if ratio > best_overlap:
                best, best_overlap = claim, ratio
        if best is None or best_overlap < 0.5:
            report.misses.append(gold)
            continue
        report.found += 1
        if best["claim_type"] == gold["claim_type"]:
            report.type_correct += 1
        else:
            report.wrong_type.append((gold, best))
        if best["polarity"] == gold["polarity"]:
            report.polarity_correct += 1
        if speakers_match(gold.get("speaker"), best) or (gold.get("source_kind") == "outlet" and best["source_kind"] == "outlet"):
            report.speaker_correct += 1
        else:
            report.wrong_speaker.append((gold, best))
    return report
