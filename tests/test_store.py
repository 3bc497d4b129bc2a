"""The store, on SQLite and on PostgreSQL (``store_url``): schema, transactions, idempotence, search,
analysis results."""

from __future__ import annotations

import sqlite3

import pytest

try:
    from psycopg import IntegrityError as PgIntegrityError
except ImportError:  # the PostgreSQL runs skip without the driver
    PgIntegrityError = sqlite3.IntegrityError

from claimscope.model import AnalysisResult, Article, Claim, IncidentMention, CasualtyFigure, Link, Outlet, Span, TechniqueSpan
from claimscope.store import StoreError, open_store
from claimscope.store.sqlite import _fts_query
from invented import ARTICLE_A, ARTICLE_B


def test_pragmas_and_schema_version(db_path):
    store = open_store(db_path)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version() >= 1
    versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations")]
    assert versions == sorted(versions)
    store.close()
    # reopening applies nothing twice
    again = open_store(f"sqlite:///{db_path}")
    assert again.schema_version() == versions[-1]
    again.close()


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a claimscope database"):
        open_store(bogus)


def test_directory_as_db_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)


def test_add_article_idempotent_with_outlet(store_url):
    store = open_store(store_url)
    article = Article(text=ARTICLE_A, title="T", outlet="Veskaria Ledger")
    assert store.add_article(article, outlet=Outlet(name="Veskaria Ledger", domain="ledger.example", kind="independent"))
    assert not store.add_article(Article(text=ARTICLE_A, title="T"))
    assert store.stats()["articles"] == 1
    stored = store.article(article.id)
    assert stored.outlet == "Veskaria Ledger"
    assert store.article(article.id[:8]).id == article.id  # prefix lookup
    outlet = store.outlets()[0]
    assert outlet.kind == "independent" and outlet.domain == "ledger.example"
    store.close()


def test_upsert_outlet_completes_but_never_erases(store_url):
    store = open_store(store_url)
    first = store.upsert_outlet(Outlet(name="Drennick Post", domain="drennick-post.example"))
    second = store.upsert_outlet(Outlet(name="Drennick Post", kind="independent", country="VK"))
    assert first == second
    outlet = store.outlet(first)
    assert outlet.kind == "independent" and outlet.country == "VK" and outlet.domain == "drennick-post.example"
    store.upsert_outlet(Outlet(name="Drennick Post"))
    assert store.outlet(first).kind == "independent"
    store.close()


def test_failed_transaction_leaves_nothing(store_url):
    store = open_store(store_url)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_article(Article(text=ARTICLE_A))
            raise RuntimeError("crash in the middle")
    assert store.stats()["articles"] == 0
    assert list(store.rows("sightings")) == []
    assert store.search("Veskaria") == []
    store.close()


def test_full_text_search_and_safe_queries(store_url):
    store = open_store(store_url)
    store.add_article(Article(text=ARTICLE_A, title="Gas attack claims"))
    store.add_article(Article(text=ARTICLE_B, title="Market shelled"))
    assert [h["title"] for h in store.search("chlorine")] == ["Gas attack claims"]
    assert [h["title"] for h in store.search("chlor*")] == ["Gas attack claims"]
    assert [h["title"] for h in store.search('"central market"')] == ["Market shelled"]
    assert len(store.search("chlorine OR artillery")) == 2
    assert store.search("shelled")[0]["title"] == "Market shelled"  # titles are indexed
    assert "[chlorine]" in store.search("chlorine")[0]["snippet"]
    for hostile in ['"', "AND", "NEAR(", "title:", "'; DROP TABLE articles; --", "*", "(((", "a\"b"]:
        store.search(hostile)  # never an FTS5 syntax error
    assert store.stats()["articles"] == 2
    store.close()


def test_fts_query_translation():
    assert _fts_query("chemical attack") == '"chemical" "attack"'
    assert _fts_query('"staged attack" OR fake*') == '"staged attack" OR "fake"*'
    assert _fts_query("OR") == ""


def test_articles_filters(store_url):
    store = open_store(store_url)
    store.add_article(Article(text=ARTICLE_A, published_at="2021-05-04", language="en"),
                      outlet=Outlet(name="Ledger", domain="ledger.example"))
    store.add_article(Article(text=ARTICLE_B, published_at="2020-03-08", language="en"),
                      outlet=Outlet(name="Post", domain="post.example"))
    assert len(store.articles(outlet="Ledger")) == 1
    assert len(store.articles(outlet="post.example")) == 1
    assert len(store.articles(since="2021")) == 1
    assert len(store.articles(until="2020-03-08")) == 1
    assert len(store.articles(until="2020")) == 1
    assert len(store.articles(language="fr")) == 0
    assert len(store.articles(limit=1, offset=1)) == 1
    assert len(store.articles(outlet="x' OR '1'='1")) == 0
    store.close()


def _result(article_id: str) -> AnalysisResult:
    return AnalysisResult(
        spans=[Span(article_id, 0, 10, "sentence")],
        claims=[Claim(article_id, text="they used gas", claim_type="denial", polarity="negates",
                      content_start=5, content_end=18, speaker="the ministry")],
        mentions=[IncidentMention(article_id, event_type="chemical_weapon", agent="chlorine", start=3, end=9)],
        figures=[CasualtyFigure(article_id, kind="killed", low=14, mention_id="@x/mentions/0", start=20, end=30)],
        techniques=[TechniqueSpan(article_id, 40, 50, "Doubt", 0.9)],
        links=[Link(kind="claim_incident", from_type="claim", from_id="@x/claims/0", to_type="mention",
                    to_id="@x/mentions/0")],
    )


def test_save_analysis_replaces_previous_output_and_resolves_refs(store_url):
    store = open_store(store_url)
    article = Article(text=ARTICLE_A)
    store.add_article(article)
    assert store.pending_articles("x", "1") == [article.id]
    store.save_analysis(article.id, [("x", "1", _result(article.id))])
    assert store.pending_articles("x", "1") == []
    assert store.pending_articles("x", "2") == [article.id]
    store.save_analysis(article.id, [("x", "2", _result(article.id))])
    stats = store.stats()
    assert (stats["spans"], stats["claims"], stats["incident_mentions"], stats["techniques"], stats["links"]) == (1, 1, 1, 1, 1)
    claim = store.claims()[0]
    mention = store.incident_mentions()[0]
    link = store.links(kind="claim_incident")[0]
    assert (link["from_id"], link["to_id"]) == (str(claim["id"]), str(mention["id"]))
    figure = next(store.rows("casualty_figures"))
    assert figure["mention_id"] == mention["id"] and figure["producer_version"] == "2"
    store.close()


def test_save_analysis_is_atomic(store_url):
    store = open_store(store_url)
    article = Article(text=ARTICLE_A)
    store.add_article(article)
    broken = _result(article.id)
    broken.links[0].to_id = "@x/mentions/7"  # refers to nothing: the whole save must fail
    with pytest.raises(StoreError):
        store.save_analysis(article.id, [("x", "1", broken)])
    assert store.stats()["claims"] == 0 and store.pending_articles("x", "1") == [article.id]
    store.close()


def test_span_offsets_checked_by_schema(store_url):
    store = open_store(store_url)
    article = Article(text=ARTICLE_A)
    store.add_article(article)
    with pytest.raises((sqlite3.IntegrityError, PgIntegrityError)):
        store.save_analysis(article.id, [("x", "1", AnalysisResult(spans=[Span(article.id, 10, 5, "bad")]))])
    store.close()


def test_export_rows_rejects_unknown_table(store_url):
    store = open_store(store_url)
    with pytest.raises(StoreError):
        list(store.rows("sqlite_master"))
    with pytest.raises(StoreError):
        list(store.rows("pg_catalog.pg_user"))
    store.close()
