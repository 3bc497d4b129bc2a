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

    def spans(self, article_id: str, label_prefix: str | None = None) -> list[dict[str, Any]]:
        return self.store.spans(article_id, label_prefix=label_prefix)

    def similar(self, text: str, *, k: int = 10, min_score: float = 0.0) -> list[dict[str, Any]]:
        """Claims closest in meaning to ``text`` (each with a ``similarity`` in [-1, 1])."""
        if self._similar is None:
            from claimscope.index import SimilarClaims

            self._similar = SimilarClaims(self.store)
        return self._similar.similar(text, k=k, min_score=min_score)

    def stats(self) -> dict[str, int]:
        return self.store.stats()
