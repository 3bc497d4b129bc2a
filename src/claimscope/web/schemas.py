"""Request and response shapes of the REST API (they are what /openapi.json documents).

Responses allow extra fields: records carry every stored column, and the models name the
ones clients rely on.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    status: int
    message: str
    details: list[Any] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class ArticleMeta(BaseModel):
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)
    outlet: str | None = Field(None, max_length=300, description="Outlet name")
    published_at: str | None = Field(None, max_length=100, description="Any date format; stored as ISO 8601")
    author: str | None = Field(None, max_length=300)


class TextIn(ArticleMeta):
    text: str = Field(..., min_length=1, max_length=5_000_000, description="Plain text; with no title given, a "
                      "first line followed by a blank line is the title")


class HtmlIn(ArticleMeta):
    html: str = Field(..., min_length=1, max_length=20_000_000)


class UrlIn(BaseModel):
    url: str = Field(..., min_length=8, max_length=4000, description="An http(s) page or feed on a public address")
    outlet: str | None = Field(None, max_length=300)


class IngestOut(BaseModel):
    added: list[str]
    existing: list[str]
    duplicates: list[dict[str, Any]]
    errors: list[str]
    summary: str


class AnalyzeIn(BaseModel):
    analyzers: list[str] | None = Field(None, description="Only these analyzers (and what they require)")
    limit: int | None = Field(None, ge=1, description="Analyze at most this many articles")
    rerun: bool = Field(False, description="Run the chosen analyzers again on every article")


class JobOut(BaseModel):
    id: str
    kind: str
    status: str = Field(..., description="queued | running | done | failed")
    total: int | None
    done: int
    progress: float
    params: dict[str, Any]
    created_at: str
    started_at: str | None
    finished_at: str | None
    result: dict[str, Any] | None
    error: str | None


class JobAccepted(BaseModel):
    job: JobOut
    status_url: str


class ArticleSummary(Loose):
    id: str
    title: str | None
    outlet: str | None
    published_at: str | None
    claims: int
    techniques: int
    incident_mentions: int


class Page(BaseModel):
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page, null on the last page")


class ArticlePage(Page):
    items: list[ArticleSummary]


class ClaimRow(Loose):
    id: int
    article_id: str
    text: str
    claim_type: str
    polarity: str
    speaker: str | None
    content_start: int
    content_end: int


class ClaimPage(Page):
    items: list[ClaimRow]


class MentionRow(Loose):
    id: int
    article_id: str
    event_type: str
    place_name: str | None
    date_start: str | None
    start: int
    end: int


class MentionPage(Page):
    items: list[MentionRow]


class TechniqueSpanPage(Page):
    items: list[Loose]


class ArticleDetail(BaseModel):
    article: Loose
    spans: list[Loose]
    claims: list[Loose]
    techniques: list[Loose]
    incident_mentions: list[Loose]
    casualty_figures: list[Loose]
    links: list[Loose]


class Dossier(BaseModel):
    mention: Loose
    related_mentions: list[Loose]
    match_basis: str
    clustered: bool
    incident_id: int | None = None
    columns: dict[str, list[Loose]]
    casualty_figures: list[Loose]
    evidence: list[Loose]
    points: list[Loose]


class SearchOut(BaseModel):
    query: str
    articles: list[Loose]
    claims: list[Loose]


class NarrativesOut(BaseModel):
    computed: bool
    items: list[Loose]
    message: str
