"""The one pagination convention of every list endpoint: ``?page=1&page_size=50`` (max 200).

Responses are ``{"count": N, "page": p, "page_size": s, "results": [...]}``. ``count`` is exact; list
endpoints keep their filters index-friendly so counting stays cheap.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Field, Schema
from pydantic import BaseModel

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(BaseModel, Generic[T]):
    count: int
    page: int
    page_size: int
    results: list[T]


def paginate(queryset: Any, params: PageParams) -> dict[str, Any]:
    start = (params.page - 1) * params.page_size
    items = list(queryset[start:start + params.page_size])
    count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
    return {"count": count, "page": params.page, "page_size": params.page_size, "results": items}
