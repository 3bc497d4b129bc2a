"""The storage interface every backend implements (SQLite embedded default; PostgreSQL later).

Interfaces (CLI, Python API, REST) talk only to this class, never to SQL, so a backend
can be swapped by a database URL. All writes are transactional: a method either stores
everything it was given or nothing.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from typing import Any

from claimscope.model import AnalysisResult, Article, Outlet


class StoreError(Exception):
    """A storage problem explained for the user (what, where, what to do)."""


class Store(abc.ABC):
    url: str

    # -- lifecycle -------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def schema_version(self) -> int: ...

    # -- settings --------------------------------------------------------------
    @abc.abstractmethod
    def get_setting(self, key: str, default: Any = None) -> Any: ...

    @abc.abstractmethod
    def set_setting(self, key: str, value: Any) -> None: ...

    # -- outlets ---------------------------------------------------------------
    @abc.abstractmethod
    def upsert_outlet(self, outlet: Outlet) -> int:
        """Insert or complete an outlet (matched by domain, then name); returns its id.
        Known fields are never overwritten with unknown ones."""

    @abc.abstractmethod
    def outlets(self) -> list[Outlet]: ...

    @abc.abstractmethod
    def outlet(self, outlet_id: int) -> Outlet | None: ...

    # -- articles --------------------------------------------------------------
    @abc.abstractmethod
    def has_article(self, article_id: str) -> bool: ...

    @abc.abstractmethod
    def add_article(
        self,
        article: Article,
        *,
        minhash_bands: list[int] | None = None,
        signature: bytes | None = None,
    ) -> bool:
        """Store an article with its outlet, dedup index and a sighting, in one transaction.

        Returns False (and only records the sighting) when the article is already stored.
        """

    @abc.abstractmethod
    def article(self, article_id: str) -> Article | None:
        """By full id or an unambiguous prefix of at least 6 characters."""

    @abc.abstractmethod
    def articles(
        self,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        include_duplicates: bool = True,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[Article]: ...

    @abc.abstractmethod
    def article_ids(self) -> Iterator[str]: ...

    @abc.abstractmethod
    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Full-text search over titles and texts: [{article_id, title, snippet, score}]."""

    # -- near-duplicate index --------------------------------------------------
    @abc.abstractmethod
    def duplicate_candidates(self, bands: list[int]) -> list[str]:
        """Article ids sharing at least one LSH band hash."""

    @abc.abstractmethod
    def signature(self, article_id: str) -> bytes | None: ...

    # -- analysis --------------------------------------------------------------
    @abc.abstractmethod
    def pending_articles(self, analyzer: str, version: str) -> list[str]:
        """Ids of articles this analyzer version has not finished yet."""

    @abc.abstractmethod
    def save_analysis(
        self, article_id: str, results: Iterable[tuple[str, str, AnalysisResult]]
    ) -> None:
        """Replace each (analyzer, version)'s earlier output for the article and mark it done,
        all in one transaction."""

    @abc.abstractmethod
    def spans(self, article_id: str, *, label_prefix: str | None = None) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def claims(self, *, article_id: str | None = None, claim_type: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def technique_spans(self, *, article_id: str | None = None, technique: str | None = None,
                        limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                          limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def links(self, *, kind: str | None = None, from_type: str | None = None,
              from_id: str | int | None = None) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def claim_vectors(self, *, after_claim_id: int = 0, limit: int = 50_000) -> list[tuple[int, bytes]]:
        """(claim id, float16 vector bytes) in claim-id order, for (re)building the vector index."""

    @abc.abstractmethod
    def claim_vector_count(self) -> int: ...

    @abc.abstractmethod
    def claims_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]: ...

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts shown in summaries: articles, duplicates, outlets, claims, incidents, techniques..."""

    @abc.abstractmethod
    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """Every row of one exportable table, for export."""
