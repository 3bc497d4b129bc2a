"""RSS and Atom feeds: each entry's page is fetched and ingested as an article."""

from __future__ import annotations

from dataclasses import dataclass

from claimscope.ingest.errors import IngestError

MAX_ENTRIES = 1000


@dataclass
class FeedEntry:
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    summary: str | None


def looks_like_feed(data: bytes | str, content_type: str = "") -> bool:
    if any(t in content_type for t in ("rss", "atom", "application/xml", "text/xml")):
        return True
    head = (data[:2000].decode("utf-8", "replace") if isinstance(data, bytes) else data[:2000]).lower()
    return "<rss" in head or ("<feed" in head and "atom" in head) or "<rdf:rdf" in head


def parse_feed(data: bytes, source: str) -> tuple[str | None, list[FeedEntry], int]:
    """Returns (feed title, at most MAX_ENTRIES entries, how many entries the feed has).
    Raises IngestError when nothing usable is there."""
    import feedparser

    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # feedparser is lenient but not infallible on hostile XML
        raise IngestError(source, f"feed could not be parsed ({exc})", "check that the URL or file is an RSS/Atom feed") from None
    if not parsed.entries:
        problem = f"no entries in the feed ({parsed.get('bozo_exception')})" if parsed.get("bozo") else "no entries in the feed"
        raise IngestError(source, problem, "check that the URL or file is an RSS/Atom feed")
    entries = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        summary = None
        if entry.get("content"):
            summary = entry["content"][0].get("value")
        summary = summary or entry.get("summary")
        entries.append(FeedEntry(link=entry.get("link"), title=entry.get("title"),
                                 published=entry.get("published") or entry.get("updated"),
                                 author=entry.get("author"), summary=summary))
    return parsed.feed.get("title"), entries, len(parsed.entries)
