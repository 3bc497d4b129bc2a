"""Dependencies shared by the routers: the request's store and pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Query, Request

from claimscope.store.base import Store

MAX_PAGE = 500


def get_store(request: Request) -> Store:
    return request.app.state.cs.thread_store()


class Paging:
    def __init__(self, limit: int = Query(50, ge=1, le=MAX_PAGE, description="Items per page"),
                 offset: int = Query(0, ge=0, description="Items to skip")):
        self.limit, self.offset = limit, offset

    def page(self, fetch: Callable[..., list[Any]], **filters: Any) -> dict[str, Any]:
        """Fetch one item more than asked, to know whether a next page exists."""
        rows = fetch(limit=self.limit + 1, offset=self.offset, **filters)
        more = len(rows) > self.limit
        return {"items": rows[: self.limit], "limit": self.limit, "offset": self.offset,
                "next_offset": self.offset + self.limit if more else None}


DATE = r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.+\-Z]*)?)?)?$"


def date_query(description: str):
    return Query(None, pattern=DATE, max_length=40, description=description + " (YYYY[-MM[-DD]])")
