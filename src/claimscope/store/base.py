"""The storage interface every backend implements (SQLite embedded default; PostgreSQL, docs/postgres.md).

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

    def table_columns(self, table: str) -> list[str]:
        """Column names of one exportable table, in order (for the header of an empty CSV export);
        empty when the backend cannot tell."""
        return []

    # -- corpus-level linking (issue 6, claimscope.linking) -----------------------------
    # Incidents, narratives and corpus-level links are rebuilt together by save_linking();
    # the readers below serve the linking stage, the dossier and the CLI.
    @abc.abstractmethod
    def article_meta(self) -> dict[str, dict[str, Any]]:
        """article id -> {published_at, published_precision, outlet_id, outlet, outlet_kind, owner,
        duplicate_of, title} for every article (no text: cheap over large corpora)."""

    @abc.abstractmethod
    def casualty_figures(self, *, article_id: str | None = None,
                         mention_ids: list[int] | None = None) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def incidents(self, *, ids: list[int] | None = None, limit: int | None = None,
                  offset: int = 0) -> list[dict[str, Any]]:
        """Incidents (newest first by date), each with ``mention_count`` and ``article_count``."""

    def incident(self, incident_id: int) -> dict[str, Any] | None:
        found = self.incidents(ids=[int(incident_id)])
        return found[0] if found else None

    @abc.abstractmethod
    def mentions_of_incident(self, incident_id: int) -> list[dict[str, Any]]:
        """The incident's mentions with their article's title, date, outlet and owner."""

    @abc.abstractmethod
    def manual_edits(self, *, kind_prefix: str | None = None) -> list[dict[str, Any]]:
        """Users' edits in the order they were made (payload decoded)."""

    @abc.abstractmethod
    def add_manual_edit(self, kind: str, payload: dict[str, Any], author: str | None = None) -> int: ...

    @abc.abstractmethod
    def narratives(self, *, ids: list[int] | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
        """Narratives, largest (most outlets, then claims) first."""

    @abc.abstractmethod
    def linking_fingerprint(self) -> dict[str, Any]:
        """Counts and highest ids of what linking reads, to skip a run when nothing changed."""

    @abc.abstractmethod
    def save_linking(self, *, incidents: list[dict[str, Any]], mention_incident: dict[int, int],
                     links: list[Any], narratives: list[dict[str, Any]], state: dict[str, Any]) -> None:
        """Replace every incident, narrative and corpus-level link (producer 'linking', not manual)
        with these, set incident_mentions.incident_id from ``mention_incident`` and store ``state``
        (setting 'linking.state'), all in one transaction. Ids are given by the caller."""

    # -- queries for the REST API and web UI (issue 7) ----------------------------
    # Filters shared by these: outlet (name, domain or id), since/until (ISO dates, until
    # inclusive of the day given), claim_type, technique (a label), event_type and place
    # (an incident mention in the same article: place name, place id or governorate).
    @abc.abstractmethod
    def find_articles(self, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                      language: str | None = None, include_duplicates: bool = True, claim_type: str | None = None,
                      technique: str | None = None, event_type: str | None = None, place: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Article summaries (no text), newest first, each with outlet name and kind and
        counts of claims, techniques and incident mentions."""

    @abc.abstractmethod
    def find_claims(self, *, article_id: str | None = None, claim_type: str | None = None,
                    polarity: str | None = None, source_kind: str | None = None, speaker: str | None = None,
                    text: str | None = None, outlet: str | None = None, since: str | None = None,
                    until: str | None = None, technique: str | None = None, event_type: str | None = None,
                    place: str | None = None, min_checkworthiness: float | None = None,
                    limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Claims with their article's title, outlet and date, newest article first.
        ``speaker`` is a case-insensitive substring; ``text`` is words that must all occur in
        the claim text or speaker; ``technique`` means a technique span linked to the claim."""

    @abc.abstractmethod
    def find_incident_mentions(self, *, article_id: str | None = None, event_type: str | None = None,
                               place: str | None = None, outlet: str | None = None, since: str | None = None,
                               until: str | None = None, limit: int = 50,
                               offset: int = 0) -> list[dict[str, Any]]:
        """Incident mentions with their article's title, outlet and date; since/until filter
        the incident's date interval (overlap)."""

    @abc.abstractmethod
    def incident_mentions_by_id(self, ids: list[int]) -> dict[int, dict[str, Any]]: ...

    @abc.abstractmethod
    def links_for_article(self, article_id: str, *, kind: str | None = None) -> list[dict[str, Any]]:
        """Links owned by one article (the per-article analyzers' links)."""

    @abc.abstractmethod
    def outlet_profiles(self) -> list[dict[str, Any]]:
        """Per outlet: articles, words, duplicates, claims by type and polarity, hedged claims,
        technique spans by label and stance links by label (raw counts; rates are the caller's)."""

    @abc.abstractmethod
    def technique_counts(self) -> dict[str, dict[str, int]]:
        """technique label -> {"spans": n, "articles": n, "claims": n linked claims}."""

    @abc.abstractmethod
    def figures_for(self, *, article_ids: list[str] | None = None,
                    mention_ids: list[int] | None = None) -> list[dict[str, Any]]:
        """Casualty figures of these articles or attached to these mentions (either matches)."""

    @abc.abstractmethod
    def links_to(self, to_type: str, to_ids: list[int | str], *, kind: str | None = None) -> list[dict[str, Any]]:
        """Links pointing at any of these records (e.g. claims linked to incident mentions)."""

    @abc.abstractmethod
    def links_from(self, from_type: str, from_ids: list[int | str], *,
                   kind: str | None = None) -> list[dict[str, Any]]:
        """Links leaving any of these records."""
