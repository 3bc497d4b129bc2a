"""The one data model everything in claimscope flows through.

Ingestion produces :class:`Outlet` and :class:`Article` records; analyzers read an
article and return :class:`Span`, :class:`Claim`, :class:`IncidentMention`,
:class:`CasualtyFigure`, :class:`TechniqueSpan` and :class:`Link` records; the store
persists them and the interfaces (CLI, Python API, REST, web) read them back.

Every extracted fact points at character offsets ``[start, end)`` into
``Article.text`` exactly as stored, so any fact can be traced to the words it came from.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:  # so f-strings and CSV exports show the value
        return self.value


class OutletKind(StrEnum):
    STATE_MEDIA = "state_media"
    WIRE = "wire"
    NGO = "ngo"
    INDEPENDENT = "independent"
    OFFICIAL_BODY = "official_body"
    UNKNOWN = "unknown"


class DatePrecision(StrEnum):
    """How much of a date is actually known; ``published_at`` is padded to an ISO string."""

    DATETIME = "datetime"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class ClaimType(StrEnum):
    """The speech act a claim performs (documented in docs/taxonomy.md)."""

    ALLEGATION = "allegation"
    DENIAL = "denial"
    COUNTER_ACCUSATION = "counter_accusation"
    ASSERTION = "assertion"
    ESTIMATE = "estimate"
    COMMITMENT = "commitment"
    WARNING = "warning"
    CALL = "call"


class Polarity(StrEnum):
    AFFIRMS = "affirms"
    NEGATES = "negates"


class QuoteType(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class SourceKind(StrEnum):
    """Who stands behind a claim when no speaker is named, or that one is."""

    NAMED = "named"
    ANONYMOUS = "anonymous"
    OUTLET = "outlet"
    DOCUMENT = "document"


class ActorKind(StrEnum):
    GOVERNMENT = "government"
    ARMED_FORCES = "armed_forces"
    FOREIGN_STATE = "foreign_state"
    ARMED_GROUP = "armed_group"
    COALITION = "coalition"
    NGO = "ngo"
    INTERNATIONAL_BODY = "international_body"
    MEDIA = "media"
    PERSON = "person"
    CIVILIANS = "civilians"
    UNKNOWN = "unknown"


class Modality(StrEnum):
    """How an article presents an incident: as something that happened, or not quite."""

    FACT = "fact"
    ALLEGED = "alleged"
    DENIED = "denied"
    ANTICIPATED = "anticipated"
    HYPOTHETICAL = "hypothetical"


class GeoPrecision(StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    TOWN = "town"
    DISTRICT = "district"
    GOVERNORATE = "governorate"
    COUNTRY = "country"
    REGION = "region"


class LinkKind(StrEnum):
    """Typed edges between records; ``manual`` links come from a user and survive re-analysis."""

    CLAIM_INCIDENT = "claim_incident"  # a claim is about an incident mention
    TECHNIQUE_CLAIM = "technique_claim"  # a technique span serves a claim
    CLAIM_MATCH = "claim_match"  # two claims say the same thing
    STANCE = "stance"  # a claim's stance toward an incident
    CONTRADICTS = "contradicts"  # two claims or figures conflict
    NARRATIVE_MEMBER = "narrative_member"
    SAME_INCIDENT = "same_incident"  # manual merge of two incidents
    NOT_SAME_INCIDENT = "not_same_incident"  # manual split


# ----------------------------------------------------------------------------------
# identity helpers

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Canonical form used for article identity: NFC, single spaces, stripped.

    Case and punctuation are kept: a re-encoded or re-wrapped copy is the same article,
    an edited one is not (edits are caught by near-duplicate detection instead).
    """
    text = unicodedata.normalize("NFC", text)
    return _WS.sub(" ", text).strip()


def article_id_for(text: str) -> str:
    """Stable article id: the first 16 hex digits of sha256 of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------------
# records


class Record:
    """Mixin: plain dict round-trip for storage, export and the API."""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)  # type: ignore[call-overload]
        for key, value in out.items():
            if isinstance(value, enum.Enum):
                out[key] = value.value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: v for k, v in data.items() if k in names}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in ("attrs", "evidence", "metadata") and isinstance(kwargs.get(f.name), str):
                kwargs[f.name] = json.loads(kwargs[f.name])
        return cls(**kwargs)


@dataclass
class Outlet(Record):
    name: str
    domain: str | None = None
    country: str | None = None
    language: str | None = None
    kind: OutletKind | str = OutletKind.UNKNOWN
    owner: str | None = None  # outlets with the same owner are not independent sources
    id: int | None = None


@dataclass
class Article(Record):
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None  # outlet name, resolved to outlet_id by the store
    outlet_id: int | None = None
    published_at: str | None = None  # ISO 8601, padded to the precision below
    published_precision: DatePrecision | str = DatePrecision.UNKNOWN
    author: str | None = None
    language: str | None = None
    language_score: float | None = None
    raw_sha256: str | None = None  # of the bytes exactly as fetched or read
    retrieved_at: str | None = None
    source_ref: str | None = None  # file path, file:line, URL or "stdin"
    duplicate_of: str | None = None
    duplicate_score: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id_for(self.text)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class Span(Record):
    """A labelled character range of an article, produced by one versioned analyzer."""

    article_id: str
    start: int
    end: int
    label: str
    score: float | None = None
    producer: str = ""
    producer_version: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Claim(Record):
    """An attributed (or the outlet's own) claim: who said what, with which act."""

    article_id: str
    text: str  # the claim content as it appears (content span text)
    claim_type: ClaimType | str = ClaimType.ASSERTION
    polarity: Polarity | str = Polarity.AFFIRMS
    speaker: str | None = None  # fullest mention in the article; None when anonymous
    speaker_norm: str | None = None  # normalised entity name for cross-article matching
    speaker_kind: ActorKind | str = ActorKind.UNKNOWN
    source_kind: SourceKind | str = SourceKind.NAMED
    quote_type: QuoteType | str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    content_start: int = 0
    content_end: int = 0
    hedged: bool = False
    checkworthiness: float | None = None
    score: float | None = None
    producer: str = ""
    producer_version: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class IncidentMention(Record):
    """One article's account of one incident; clustered across articles into incidents."""

    article_id: str
    event_type: str
    sub_event_type: str | None = None
    agent: str | None = None  # weapon or agent: chlorine, sarin, barrel bomb, ...
    modality: Modality | str = Modality.FACT
    is_main: bool = False
    date_start: str | None = None
    date_end: str | None = None
    date_precision: DatePrecision | str = DatePrecision.UNKNOWN
    date_text: str | None = None
    place_name: str | None = None
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: GeoPrecision | str | None = None
    country: str | None = None
    admin1: str | None = None
    perpetrator: str | None = None
    perpetrator_kind: ActorKind | str | None = None
    target: str | None = None
    target_kind: ActorKind | str | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    according_to: str | None = None
    start: int = 0  # trigger span
    end: int = 0
    evidence: list[dict[str, Any]] = field(default_factory=list)  # [{"role","start","end"}]
    incident_id: int | None = None
    score: float | None = None
    producer: str = ""
    producer_version: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class CasualtyFigure(Record):
    article_id: str
    kind: str  # killed | injured | displaced | missing
    low: int | None
    high: int | None = None
    qualifier: str | None = None  # at least, over, about, up to, hundreds, ...
    group: str | None = None  # civilians, children, women, fighters, all
    source: str | None = None  # who gives the figure
    mention_id: int | None = None
    start: int = 0
    end: int = 0
    producer: str = ""
    producer_version: str = ""
    id: int | None = None


@dataclass
class Incident(Record):
    """A real-world incident: the cluster of mentions from many articles."""

    event_type: str
    label: str | None = None
    agent: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    date_precision: DatePrecision | str = DatePrecision.UNKNOWN
    place_name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: GeoPrecision | str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)  # why mentions were merged
    locked: bool = False  # set by a manual merge/split: later runs keep it
    id: int | None = None


@dataclass
class TechniqueSpan(Record):
    article_id: str
    start: int
    end: int
    technique: str
    confidence: float | None = None
    producer: str = ""
    producer_version: str = ""
    id: int | None = None


@dataclass
class Link(Record):
    kind: LinkKind | str
    from_type: str  # claim | technique | mention | incident | figure | narrative
    from_id: int | str
    to_type: str
    to_id: int | str
    score: float | None = None
    label: str | None = None  # e.g. the stance value
    manual: bool = False
    producer: str = ""
    producer_version: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class AnalysisResult:
    """What one analyzer returns for one article; the store replaces the analyzer's
    previous output for that article with this, in one transaction."""

    spans: list[Span] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    mentions: list[IncidentMention] = field(default_factory=list)
    figures: list[CasualtyFigure] = field(default_factory=list)
    techniques: list[TechniqueSpan] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # (claim id or "@producer/claims/i" reference, unit vector as float16 bytes)
    claim_vectors: list[tuple[int | str, bytes]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any((self.spans, self.claims, self.mentions, self.figures, self.techniques, self.links,
                        self.claim_vectors))
