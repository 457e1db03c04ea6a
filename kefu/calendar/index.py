"""The precomputed working-day index: every deadline is a few array look-ups, never a day-by-day loop.

Days are numbered by their offset from 1 January of the first indexed year. For each day we keep
``is_work[i]`` (1 on a working day) and ``cum[i]``, the number of working days in ``[0, i]`` (a prefix sum);
``work[k]`` is the offset of the k-th working day (0-based). Then:

- the n-th working day after day i is ``work[cum[i] + n - 1]``;
- the first working day on or after i is ``i`` or ``work[cum[i]]``;
- the working days in ``(a, b]`` number ``cum[b] - cum[a]``.

Business hours use the same arrays: the business time before a moment is
``seconds_per_day * (working days before its date) + time elapsed in today's service windows``, and its
inverse picks the working day by integer division.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from . import errors
from .conf import ServiceHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59, tzinfo=SHANGHAI)
US = 1_000_000  # microseconds per second: business time is counted in integer microseconds, exactly


class WorkingDayIndex:
    __slots__ = ("first", "last", "base", "size", "is_work", "cum", "work", "names", "published",
                 "version", "hours", "day_us", "_unpublished_cache")

    def __init__(self, *, first_year: int, last_year: int, exceptions: Mapping[date, bool],
                 names: Mapping[date, str] | None = None, published_years: Iterable[int] = (),
                 version: int = 0, hours: ServiceHours) -> None:
        self.first = date(first_year, 1, 1)
        self.last = date(last_year, 12, 31)
        self.base = self.first.toordinal()
        self.size = self.last.toordinal() - self.base + 1
        first_weekday = self.first.weekday()
        week = bytes(1 if (first_weekday + i) % 7 < 5 else 0 for i in range(7))
        is_work = bytearray((week * (self.size // 7 + 1))[: self.size])
        for day, working in exceptions.items():
            offset = day.toordinal() - self.base
            if 0 <= offset < self.size:
                is_work[offset] = 1 if working else 0
        self.is_work = bytes(is_work)
        self.cum = array("l", accumulate(self.is_work))
        self.work = array("l", (i for i, w in enumerate(self.is_work) if w))
        self.names = dict(names or {})
        self.published = frozenset(published_years)
        self.version = version
        self.hours = hours
        self.day_us = hours.seconds_per_day * US
        self._unpublished_cache: dict[tuple[int, int], bool] = {}

    # -- dates -------------------------------------------------------------------------------------------
    def offset(self, day: date) -> int:
        offset = day.toordinal() - self.base
        if not 0 <= offset < self.size:
            raise errors.DeadlineError(
                _("日期 %(day)s 超出日历索引范围（%(first)s–%(last)s年）") % {"day": day.isoformat(), "first": self.first.year, "last": self.last.year},
                code=errors.OUT_OF_RANGE)
        return offset

    def day(self, offset: int) -> date:
        return date.fromordinal(self.base + offset)

    def is_working(self, day: date) -> bool:
        return bool(self.is_work[self.offset(day)])

    def _work_at(self, k: int) -> int:
        if k >= len(self.work):
            raise errors.DeadlineError(_("期限超出日历索引范围（至%(last)s年）") % {"last": self.last.year}, code=errors.OUT_OF_RANGE)
        return self.work[k]

    def nth_working_after(self, offset: int, n: int) -> int:
        """Offset of the n-th working day strictly after ``offset`` (n >= 1)."""
        return self._work_at(self.cum[offset] + n - 1)

    def working_on_or_after(self, offset: int) -> int:
        return offset if self.is_work[offset] else self._work_at(self.cum[offset])

    def working_days_between(self, start: int, end: int) -> int:
        """Working days in the half-open span ``(start, end]`` (negative if end < start)."""
        return self.cum[end] - self.cum[start]

    def is_provisional(self, first_year: int, last_year: int) -> bool:
        """True when a year in the span has no published schedule (weekends-only fallback)."""
        key = (first_year, last_year)
        cached = self._unpublished_cache.get(key)
        if cached is None:
            cached = any(y not in self.published for y in range(first_year, last_year + 1))
            if len(self._unpublished_cache) < 4096:
                self._unpublished_cache[key] = cached
        return cached

    # -- business hours ----------------------------------------------------------------------------------
    def business_us(self, local: datetime) -> int:
        """Business time (microseconds) from the index start up to the local moment ``local``."""
        offset = self.offset(local.date())
        before = (self.cum[offset] - self.is_work[offset]) * self.day_us
        if not self.is_work[offset]:
            return before
        tod = (local.hour * 3600 + local.minute * 60 + local.second) * US + local.microsecond
        elapsed = 0
        for start, end in self.hours.windows:
            if tod <= start * US:
                break
            elapsed += min(tod, end * US) - start * US
        return before + elapsed

    def moment_at_business_us(self, target: int) -> datetime:
        """The earliest local moment whose business time reaches ``target`` (> 0)."""
        k, rest = divmod(target - 1, self.day_us)
        rest += 1  # in (0, day_us]: a target at a day's end is that day's closing time, not the next opening
        offset = self._work_at(k)
        for start, end in self.hours.windows:
            length = (end - start) * US
            if rest <= length:
                tod = start * US + rest
                break
            rest -= length
        day = self.day(offset)
        return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(microseconds=tod)

    def end_of(self, offset: int) -> datetime:
        return datetime.combine(date.fromordinal(self.base + offset), END_OF_DAY)
