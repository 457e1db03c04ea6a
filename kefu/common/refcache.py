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


_MISSING = object()

# Keys are tuples whose first item names the kind of row ("calendar.policy_versions", "ivr.info", ...), so
# that one kind can be forgotten at once (``forget_kind``).


def peek(key: Hashable, default: Any = None) -> Any:
    """The value cached under ``key`` if it has not expired, else ``default`` (nothing is loaded)."""
    hit = _entries.get(key)
    return hit[1] if hit is not None and hit[0] > monotonic() else default


def put(key: Hashable, ttl: float, value: T) -> T:
    _entries[key] = (monotonic() + ttl, value)
    return value


def remember(key: Hashable, ttl: float, load: Callable[[], T]) -> T:
    """The value cached under ``key``, or ``load()`` (stored for ``ttl`` seconds)."""
    value = peek(key, _MISSING)
    return put(key, ttl, load()) if value is _MISSING else value


def forget(key: Hashable) -> None:
    _entries.pop(key, None)


def forget_kind(kind: str) -> None:
    """Drop every entry whose key is a tuple starting with ``kind``."""
    for key in [k for k in _entries if isinstance(k, tuple) and k[:1] == (kind,)]:
        _entries.pop(key, None)


def clear() -> None:
    """Drop everything (tests: rows cached by a rolled-back test must not reach the next one)."""
    _entries.clear()
