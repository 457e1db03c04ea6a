"""Calendar settings, read with defaults so the app works without any entry in ``settings.py``.

- ``KEFU_SERVICE_HOURS``: service windows on a working day for ``business_hours`` clocks,
  e.g. ``"09:00-18:00"`` or ``"08:30-12:00,13:00-17:30"``.
- ``KEFU_CALENDAR_INDEX_YEARS``: ``(first, last)`` years the working-day index covers; a date outside is an
  error (``calendar.out_of_range``), never a silent guess.
- ``KEFU_CALENDAR_VERSION_CHECK_SECONDS``: how often a process compares its cached index with the
  calendar version in the database (changes made in the same process apply at once).
- ``KEFU_CALENDAR_WARN_FROM``: ``(month, day)`` from which a missing next year raises a warning.
- ``KEFU_CALENDAR_MAX_BATCH``: largest batch accepted by the deadlines API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ServiceHours:
    # (start, end) pairs in seconds after midnight, sorted and non-overlapping.
    windows: tuple[tuple[int, int], ...]

    @property
    def seconds_per_day(self) -> int:
        return sum(end - start for start, end in self.windows)


def _parse_clock(text: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(text)
    return h * 3600 + m * 60


def parse_service_hours(spec: str) -> ServiceHours:
    windows = []
    for part in spec.split(","):
        if not part.strip():
            continue
        start_text, sep, end_text = part.partition("-")
        if not sep:
            raise ValueError(f"service hours window without '-': {part!r}")
        start, end = _parse_clock(start_text), _parse_clock(end_text)
        if end <= start:
            raise ValueError(f"service hours window ends before it starts: {part!r}")
        windows.append((start, end))
    windows.sort()
    for (_, prev_end), (next_start, _) in zip(windows, windows[1:], strict=False):
        if next_start < prev_end:
            raise ValueError(f"overlapping service hours: {spec!r}")
    if not windows:
        raise ValueError("no service hours configured")
    return ServiceHours(tuple(windows))


def service_hours() -> ServiceHours:
    return parse_service_hours(getattr(settings, "KEFU_SERVICE_HOURS", "09:00-18:00"))


def index_years() -> tuple[int, int]:
    first, last = getattr(settings, "KEFU_CALENDAR_INDEX_YEARS", (2000, 2100))
    return int(first), int(last)


def version_check_seconds() -> float:
    return float(getattr(settings, "KEFU_CALENDAR_VERSION_CHECK_SECONDS", 5))


def warn_from() -> tuple[int, int]:
    month, day = getattr(settings, "KEFU_CALENDAR_WARN_FROM", (12, 1))
    return int(month), int(day)


def max_batch() -> int:
    return int(getattr(settings, "KEFU_CALENDAR_MAX_BATCH", 10_000))
