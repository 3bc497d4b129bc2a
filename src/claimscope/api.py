"""The Python API: ``claimscope.open(path)`` returns a :class:`Claimscope` over one store."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimscope.ingest import ColumnMapping, Ingestor, IngestOptions, IngestReport
from claimscope.model import Article
from claimscope.pipeline import Pipeline, RunReport
from claimscope.store import Store, open_store


class Claimscope:
    """A claimscope store with ingestion, analysis and queries.

    >>> cs = claimscope.open("demo.db")
    >>> cs.ingest(["articles/"]).summary()
    >>> cs.analyze().summary()
    >>> cs.search("chlorine")
    """

    def __init__(self, path: str | Path | None = None, *, store: Store | None = None):
        self.store = store or open_store(path)
        self._similar = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Claimscope:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingestion ---------------------------------------------------------------
    def ingest(self, inputs: str | Path | Iterable[str | Path], *, text_col: str | None = None,
               title_col: str | None = None, date_col: str | None = None, outlet_col: str | None = None,
               url_col: str | None = None, outlet: str | None = None, max_bytes: int | None = None,
               allow_private: bool = False, progress: Any = None) -> IngestReport:
        """Ingest files, folders, URLs, feeds or datasets (see ``claimscope ingest --help``)."""
        if isinstance(inputs, (str, Path)):
            inputs = [inputs]
        options = IngestOptions(mapping=ColumnMapping(text=text_col, title=title_col, date=date_col,
                                                      outlet=outlet_col, url=url_col), outlet=outlet)
        if max_bytes:
            options.max_bytes = options.fetch.max_bytes = max_bytes
        options.fetch.allow_private = allow_private
        return Ingestor(self.store, options, progress=progress).ingest(inputs)

    def ingest_text(self, text: str, **meta: Any) -> IngestReport:
        """Ingest one article given as text; ``meta`` may hold title, url, outlet, published_at, author."""
        return Ingestor(self.store).ingest_text(text, **meta)

    def ingest_html(self, html: str, **meta: Any) -> IngestReport:
        return Ingestor(self.store).ingest_html(html, **meta)

    # -- analysis ----------------------------------------------------------------
    def analyze(self, analyzers: Iterable[str] | None = None, *, limit: int | None = None,
                progress: Any = None) -> RunReport:
        """Run every registered analyzer (or the named ones) over articles not yet done."""
        return Pipeline(names=analyzers).run(self.store, limit=limit, progress=progress)

    # -- queries -----------------------------------------------------------------
    def articles(self, **filters: Any) -> list[Article]:
        """Filter by outlet, since, until, language; limit/offset paginate."""
        return self.store.articles(**filters)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        return self.store.search(query, limit=limit, offset=offset)

    def claims(self, **filters: Any) -> list[dict[str, Any]]:
        return self.store.claims(**filters)

    def mentions(self, *, article_id: str | None = None, event_type: str | None = None, place: str | None = None,
                  since: str | None = None, until: str | None = None, outlet: str | None = None,
                  main_only: bool = False, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Incident mentions, newest incident first; ``place`` matches a place name, id or governorate,
        ``since``/``until`` the incident's date interval; each row has its ``figures``."""
        rows = self.store.find_incident_mentions(article_id=article_id, event_type=event_type, place=place,
                                                 outlet=outlet, since=since, until=until,
                                                 limit=-1 if main_only else limit, offset=0 if main_only else offset)
        if main_only:
            rows = [r for r in rows if r["is_main"]][offset: offset + limit]
        figures: dict[int, list[dict[str, Any]]] = {}
        for figure in self.store.casualty_figures(mention_ids=[r["id"] for r in rows]) if rows else []:
            figures.setdefault(figure["mention_id"], []).append(figure)
        for row in rows:
            row["figures"] = figures.get(row["id"], [])
        return rows

    def spans(self, article_id: str, label_prefix: str | None = None) -> list[dict[str, Any]]:
        return self.store.spans(article_id, label_prefix=label_prefix)

    def similar(self, text: str, *, k: int = 10, min_score: float = 0.0) -> list[dict[str, Any]]:
        """Claims closest in meaning to ``text`` (each with a ``similarity`` in [-1, 1])."""
        if self._similar is None:
            from claimscope.index import SimilarClaims

            self._similar = SimilarClaims(self.store)
        return self._similar.similar(text, k=k, min_score=min_score)

    # -- across articles (issue 6: claimscope.linking) ---------------------------------
    def link(self, *, force: bool = False, progress: Any = None):
        """Rebuild incidents, contradictions and narratives from the stored analyses (run
        after ``analyze``; skipped when nothing changed unless ``force``). Returns a LinkReport."""
        from claimscope.linking import link

        return link(self.store, force=force, progress=progress)

    def incident(self, incident_id: int) -> dict[str, Any] | None:
        """The dossier of one incident (see claimscope.linking.dossier), or None."""
        from claimscope.linking import build_dossier

        return build_dossier(self.store, incident_id)

    def incidents(self, **filters: Any) -> list[dict[str, Any]]:
        return self.store.incidents(**filters)

    def merge_incidents(self, keep: int, other: int, *, author: str | None = None):
        from claimscope.linking import merge_incidents

        return merge_incidents(self.store, keep, other, author=author)

    def split_incident(self, incident_id: int, mention_ids: list[int], *, author: str | None = None):
        from claimscope.linking import split_incident

        return split_incident(self.store, incident_id, mention_ids, author=author)

    def contradictions(self, *, kind: str | None = None, incident_id: int | None = None) -> list[dict[str, Any]]:
        """Conflicting figures, attributions and claims, each with both spans quoted."""
        from claimscope.linking import list_contradictions

        return list_contradictions(self.store, kind=kind, incident_id=incident_id)

    def stats(self) -> dict[str, int]:
        return self.store.stats()

    # -- backup and restore (docs/reliability.md) --------------------------------------
    def backup(self, out: str | Path, *, force: bool = False):
        """Write a checked snapshot of the store to ``out`` (SQLite online backup; safe while
        others write). Refuses an existing file unless ``force``. Returns a BackupInfo."""
        from claimscope.store.backup import backup

        return backup(self.store, out, force=force)

    def restore(self, source: str | Path, *, force: bool = False):
        """Replace the store's contents with the checked backup at ``source``. Refuses a store
        that holds articles unless ``force``. Returns a BackupInfo."""
        from claimscope.store.backup import restore

        return restore(self.store, source, force=force)

    # -- the analyst's views (same ground as the REST API; docs/api.md) -------------
    def find_articles(self, **filters: Any) -> list[dict[str, Any]]:
        """Article summaries, newest first: outlet, since, until, language, claim_type, technique,
        event_type, place, include_duplicates, limit, offset."""
        return self.store.find_articles(**filters)

    def article_detail(self, article_id: str, *, include_spans: bool = True) -> dict[str, Any] | None:
        """One article with its spans, claims (with techniques), technique spans, incident mentions,
        casualty figures and links; every fact with offsets into ``article["text"]``."""
        from claimscope.web import queries

        return queries.article_detail(self.store, article_id, include_spans=include_spans)

    def find_claims(self, **filters: Any) -> list[dict[str, Any]]:
        """Claims with their article's title, outlet and date (see Store.find_claims for filters)."""
        return self.store.find_claims(**filters)

    def claim(self, claim_id: int) -> dict[str, Any] | None:
        from claimscope.web import queries

        return queries.claim_detail(self.store, claim_id)

    def incident_mentions(self, **filters: Any) -> list[dict[str, Any]]:
        """Incident mentions: article_id, event_type, place, outlet, since, until, limit, offset."""
        return self.store.find_incident_mentions(**filters)

    def dossier(self, mention_id: int) -> dict[str, Any] | None:
        """Allegations, denials, counter-accusations and corroborations around one incident mention."""
        from claimscope.web import queries

        return queries.dossier(self.store, mention_id)

    def techniques(self) -> list[dict[str, Any]]:
        from claimscope.web import queries

        return queries.technique_catalogue(self.store)

    def technique_spans(self, **filters: Any) -> list[dict[str, Any]]:
        return self.store.technique_spans(**filters)

    def outlet_profiles(self) -> list[dict[str, Any]]:
        """Per outlet: claim types, stances and technique rates per 1,000 words."""
        from claimscope.web import queries

        return queries.outlet_profiles(self.store)

    def search_all(self, query: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
        """Articles (full text) and claims (every word) matching ``query``."""
        from claimscope.web import queries

        return queries.search_all(self.store, query, limit=limit, offset=offset)

    def narratives(self) -> dict[str, Any]:
        from claimscope.web import queries

        return queries.narratives(self.store)

    def export(self, fmt: str, path: str | Path, *, selection: dict[str, Any] | None = None) -> int:
        """Write geojson, jsonld, annotations or html (of a selection) to ``path``; returns records written."""
        from claimscope.exports import export

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as fh:
            return export(self.store, fmt, fh, selection)
