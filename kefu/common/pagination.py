"""The one pagination convention of every list endpoint: ``?page=1&page_size=50`` (max 200).

Responses are ``{"count": N, "count_exact": true, "page": p, "page_size": s, "results": [...]}``. ``count``
is exact unless the endpoint passes ``count_limit``: then a total above the limit is reported as the limit
with ``count_exact: false`` (shown as "1000+"), so counting a bank-sized table never costs more than
reading ``count_limit`` index entries. Pages beyond the limit are still served.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from ninja import Field, Schema
from pydantic import BaseModel

T = TypeVar("T")

MAX_PAGE_SIZE = 200
# Far beyond any real list, and small enough that page x page size stays a valid OFFSET (SQLite refused a
# 64-bit one with "datatype mismatch": a 500 instead of a 422).
MAX_PAGE = 10_000_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(BaseModel, Generic[T]):
    count: int
    count_exact: bool = True
    page: int
    page_size: int
    results: list[T]


def capped_count(queryset: Any, limit: int | None) -> tuple[int, bool]:
    """``(count, exact)``: the exact count, or ``(limit, False)`` when there are more than ``limit`` rows."""
    if isinstance(queryset, list) or not hasattr(queryset, "count"):
        return len(queryset), True
    if limit is None:
        return queryset.count(), True
    # No ORDER BY: the database may stop at the first limit + 1 matching rows in any order.
    n = queryset.order_by()[: limit + 1].count()
    return (n, True) if n <= limit else (limit, False)


def paginate(queryset: Any, params: PageParams, *, count_limit: int | None = None) -> dict[str, Any]:
    start = (params.page - 1) * params.page_size
    items = list(queryset[start:start + params.page_size])
    if 0 < len(items) < params.page_size or (params.page == 1 and not items):
        # A short page is the last one: the total is known without counting (a narrow filter's usual case).
        count, exact = start + len(items), True
    else:
        count, exact = capped_count(queryset, count_limit)
    if not exact:
        count = max(count, start + len(items))
    return {"count": count, "count_exact": exact, "page": params.page, "page_size": params.page_size,
            "results": items}


class CappedPaginator(Paginator):
    """Django's paginator for HTMX pages with the same capped count (``count_exact`` for the template)."""

    def __init__(self, object_list: Any, per_page: int, *, count_limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.count_limit)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._capped[0]

    @property
    def count_exact(self) -> bool:
        return self._capped[1]
