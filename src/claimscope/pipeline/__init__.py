"""The analysis pipeline: registered, versioned analyzers run over a shared per-article doc.

An analyzer is a small class with a ``name``, a ``version``, the analyzers it ``requires``,
the spaCy annotations it needs (``spacy_components``) and ``analyze(doc) -> AnalysisResult``
(or ``analyze_batch(docs)`` when batching across articles pays, as for neural models).

``Pipeline.run`` finds, per article, the analyzers whose current version has not finished
(plus everything downstream of them), parses each article once with only the spaCy
components those analyzers need, runs them in dependency order, and saves every result of
one article in one transaction. Killing a run loses at most the articles in flight; the
next run picks up exactly where it stopped.
"""

from __future__ import annotations

import functools
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from claimscope.model import AnalysisResult, Article
from claimscope.store.base import Store

log = logging.getLogger(__name__)

_REGISTRY: dict[str, type[Analyzer]] = {}


class Analyzer:
    """Base class for analyzers; subclasses set the class attributes and ``analyze``."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    requires: ClassVar[tuple[str, ...]] = ()
    spacy_components: ClassVar[frozenset[str]] = frozenset()
    languages: ClassVar[frozenset[str] | None] = None  # None: every language
    description: ClassVar[str] = ""

    def analyze(self, doc: AnalysisDoc) -> AnalysisResult:
        raise NotImplementedError

    def analyze_batch(self, docs: Sequence[AnalysisDoc]) -> list[AnalysisResult]:
        return [self.analyze(doc) for doc in docs]

    def applies_to(self, article: Article) -> bool:
        return self.languages is None or (article.language or "en") in self.languages


def register(cls: type[Analyzer]) -> type[Analyzer]:
    """Class decorator adding an analyzer to the default pipeline."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Analyzer]]:
    import claimscope.analyzers  # noqa: F401 - importing registers the shipped analyzers

    return dict(_REGISTRY)


@dataclass
class AnalysisDoc:
    """Everything known about one article during a run, shared by all analyzers."""

    article: Article
    spacy: Any = None  # spacy.tokens.Doc when any analyzer of the run needs it
    results: dict[str, AnalysisResult] = field(default_factory=dict)  # this run's outputs
    store: Store | None = None

    @property
    def text(self) -> str:
        return self.article.text

    def output(self, analyzer: str) -> AnalysisResult | None:
        """An upstream analyzer's result from this run (stored results are re-read by the
        analyzer itself via ``doc.store`` when the upstream did not need to re-run)."""
        return self.results.get(analyzer)


@dataclass
class RunReport:
    articles: int = 0
    analyzed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (article, analyzer, error)
    parse_seconds: float = 0.0
    total_seconds: float = 0.0

    def summary(self) -> str:
        done = ", ".join(f"{name} {count}" for name, count in self.analyzed.items()) or "nothing to do"
        text = f"{self.articles} articles analysed ({done}) in {self.total_seconds:.1f} s"
        if self.failures:
            text += f"; {len(self.failures)} analyzer failures"
        return text


class Pipeline:
    def __init__(self, analyzers: Iterable[Analyzer] | None = None, names: Iterable[str] | None = None):
        if analyzers is None:
            available = registered()
            chosen = list(names) if names else list(available)
            unknown = [n for n in chosen if n not in available]
            if unknown:
                raise ValueError(f"unknown analyzer(s) {', '.join(unknown)}; available: {', '.join(available)}")
            # requirements of chosen analyzers are pulled in automatically
            queue, wanted = list(chosen), set()
            while queue:
                name = queue.pop()
                if name not in wanted:
                    wanted.add(name)
                    queue.extend(available[name].requires)
            analyzers = [available[n]() for n in wanted]
        self.analyzers = _topological(list(analyzers))

    def pending(self, store: Store, rerun: Iterable[str] = ()) -> dict[str, list[Analyzer]]:
        """article id -> analyzers to run for it (outdated ones plus their dependents).

        ``rerun`` names analyzers to run again on every article even if up to date."""
        by_name = {a.name: a for a in self.analyzers}
        todo: dict[str, set[str]] = {}
        rerun = set(rerun)
        all_ids = list(store.article_ids()) if rerun else []
        for analyzer in self.analyzers:
            ids = all_ids if analyzer.name in rerun else store.pending_articles(analyzer.name, analyzer.version)
            for article_id in ids:
                todo.setdefault(article_id, set()).add(analyzer.name)
        for names in todo.values():
            changed = True
            while changed:
                changed = False
                for analyzer in self.analyzers:
                    if analyzer.name not in names and any(r in names for r in analyzer.requires):
                        names.add(analyzer.name)
                        changed = True
        return {aid: [a for a in self.analyzers if a.name in names] for aid, names in todo.items()
                if names & set(by_name)}

    def batches(self, store: Store, *, batch_size: int = 32, limit: int | None = None,
                rerun: Iterable[str] = ()) -> list[list[tuple[str, tuple[str, ...]]]]:
        """The run's work in the order a serial run does it: batches of ``(article id, names of the
        analyzers to run on it)``. Engines that spread batches over processes or machines keep
        these batches whole, so every article is analysed exactly as a serial run would."""
        plan = self.pending(store, rerun)
        ids = list(plan)[: limit if limit is not None else None]
        return [[(aid, tuple(a.name for a in plan[aid])) for aid in ids[offset: offset + batch_size]]
                for offset in range(0, len(ids), batch_size)]

    def run(self, store: Store, *, batch_size: int = 32, limit: int | None = None,
            progress: Callable[[int], Any] | None = None, rerun: Iterable[str] = ()) -> RunReport:
        report = RunReport()
        started = time.perf_counter()
        for batch in self.batches(store, batch_size=batch_size, limit=limit, rerun=rerun):
            docs = [AnalysisDoc(article=article, store=store)
                    for article in (store.article(aid) for aid, _ in batch) if article is not None]
            outcome = self.analyze_batch(docs, dict(batch), report)
            save_outcome(store, outcome, report, progress)
        report.total_seconds = time.perf_counter() - started
        return report

    def analyze_batch(self, docs: list[AnalysisDoc], names_for: dict[str, Sequence[str]],
                      report: RunReport) -> list[tuple[str, list[tuple[str, str, AnalysisResult]]]]:
        """Parse ``docs`` once and run their analyzers in dependency order, without saving.

        ``names_for`` maps article id -> analyzers to run on it. Failures and timings go into
        ``report``; returns, per doc in order, ``(article id, [(analyzer, version, result)])``
        ready for ``Store.save_analysis``."""
        from claimscope.pipeline import nlp

        plan = {aid: [a for a in self.analyzers if a.name in set(names)] for aid, names in names_for.items()}
        docs = [d for d in docs if d.article.id in plan]
        failed: dict[str, set[str]] = {}  # article id -> analyzers that raised
        components = frozenset().union(*(a.spacy_components for d in docs for a in plan[d.article.id]))
        if components:
            t0 = time.perf_counter()
            parse_docs = [d for d in docs if any(a.spacy_components for a in plan[d.article.id])]
            for doc, parsed in zip(parse_docs, nlp.pipe((d.text for d in parse_docs), components)):
                doc.spacy = parsed
            report.parse_seconds += time.perf_counter() - t0
        for analyzer in self.analyzers:
            targets = []
            for d in docs:
                if analyzer not in plan[d.article.id]:
                    continue
                if failed.get(d.article.id, set()) & set(analyzer.requires):
                    failed[d.article.id].add(analyzer.name)  # downstream of a failure: skip, retry next run
                else:
                    targets.append(d)
            if not targets:
                continue
            t0 = time.perf_counter()
            applicable = [d for d in targets if analyzer.applies_to(d.article)]
            outputs: dict[str, AnalysisResult] = {d.article.id: AnalysisResult() for d in targets}
            try:
                for doc, result in zip(applicable, analyzer.analyze_batch(applicable)):
                    outputs[doc.article.id] = result
            except Exception:
                # a batch failure is retried per article so one bad article fails alone
                for doc in applicable:
                    try:
                        outputs[doc.article.id] = analyzer.analyze(doc)
                    except Exception as exc:
                        log.debug("analyzer %s failed on %s", analyzer.name, doc.article.id, exc_info=True)
                        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
                        report.failures.append((doc.article.id, analyzer.name, detail))
                        failed.setdefault(doc.article.id, set()).add(analyzer.name)
                        outputs.pop(doc.article.id, None)
            for doc in targets:
                if doc.article.id in outputs:
                    doc.results[analyzer.name] = outputs[doc.article.id]
            trim_heap()
            report.seconds[analyzer.name] = report.seconds.get(analyzer.name, 0.0) + time.perf_counter() - t0
        return [(doc.article.id, [(a.name, a.version, doc.results[a.name]) for a in plan[doc.article.id]
                                  if a.name in doc.results]) for doc in docs]


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        return None


def trim_heap() -> None:
    """Give the heap's free pages back to the OS after an analyzer's batch.

    glibc keeps the pages an analyzer's batch freed (parsed text, rule structures, model buffers
    outside onnxruntime's arena), so the next analyzer's allocations land on top of them: with
    the arena off, one worker peaked at 0.9-1.3 GB on 64 FA-KES articles without this and ~0.78 GB
    with it (2026-12-04). A trim took 0.04 ms (median) to 3 ms after a tagger batch."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def save_outcome(store: Store, outcome: Sequence[tuple[str, list[tuple[str, str, AnalysisResult]]]],
                 report: RunReport, progress: Callable[[int], Any] | None = None) -> None:
    """Write one analysed batch, one transaction per article, counting it in ``report``."""
    for article_id, to_save in outcome:
        if to_save:
            store.save_analysis(article_id, to_save)
            for name, _, _ in to_save:
                report.analyzed[name] = report.analyzed.get(name, 0) + 1
        report.articles += 1
        if progress:
            progress(1)


def _topological(analyzers: list[Analyzer]) -> list[Analyzer]:
    by_name = {a.name: a for a in analyzers}
    ordered: list[Analyzer] = []
    visiting: set[str] = set()

    def visit(a: Analyzer) -> None:
        if a in ordered:
            return
        if a.name in visiting:
            raise ValueError(f"analyzer dependency cycle through {a.name}")
        visiting.add(a.name)
        for req in a.requires:
            if req not in by_name:
                raise ValueError(f"analyzer {a.name} requires {req}, which is not in the pipeline")
            visit(by_name[req])
        visiting.discard(a.name)
        ordered.append(a)

    for analyzer in sorted(analyzers, key=lambda a: a.name):
        visit(analyzer)
    return ordered
