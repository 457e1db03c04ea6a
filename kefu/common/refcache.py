"""A process-local cache for small reference rows read by every busy write (deadline policies, message
templates): one dictionary per process, each entry kept for a few seconds.

Why not the Django cache: in the embedded default it is the database (a hit would cost the query it saves),
and a shared cache would pickle model instances on every read. Why a short expiry rather than
invalidation only: an edit made in one process clears that process's entry at once (``forget``), other
app-server and worker processes see it within ``ttl`` seconds. Use it only for rows whose edits may take
that long to reach every process, never for data a decision must read fresh (balances, statuses, limits).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from time import monotonic
from typing import Any, TypeVar

T = TypeVar("T")

_entries: dict[Hashable, tuple[float, Any]] = {}


def remember(key: Hashable, ttl: float, load: Callable[[], T]) -> T:
    """The value cached under ``key``, or ``load()`` (stored for ``ttl`` seconds)."""
    hit = _entries.get(key)
    now = monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _entries[key] = (now + ttl, value)
    return value


def forget(key: Hashable) -> None:
    _entries.pop(key, None)


def clear() -> None:
    """Drop everything (tests: rows cached by a rolled-back test must not reach the next one)."""
    _entries.clear()
