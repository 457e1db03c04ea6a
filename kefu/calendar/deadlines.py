"""Deadline computation on the official calendar (the contract other apps code against).

Semantics (time zone Asia/Shanghai, "end of day" = 23:59:59, the day of receipt is never counted):

- ``hours`` N: received_at + N hours of elapsed time.
- ``working_days`` N: end of the N-th working day after the receipt date (make-up weekends are working
  days; statutory holidays and ordinary weekends are not). N = 0: end of the receipt date, or of the next
  working day if that date is a rest day.
- ``calendar_days`` N: end of (receipt date + N days), moved to the end of the next working day when that
  day is not a working day (Civil Code arts. 201, 203).
- ``business_hours`` N: N hours counted only inside the service windows (``KEFU_SERVICE_HOURS``) of
  working days; a count that ends exactly at closing time ends at closing time.

A deadline that reaches into a year whose schedule is not published uses weekends only there and is
marked ``provisional``.
"""

from __future__ import annotations

import re
import time as _time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import conf, errors
from .choices import DeadlineUnit
from .index import SHANGHAI, US, WorkingDayIndex

UNITS = frozenset(u.value for u in DeadlineUnit)


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    deadline: datetime  # aware, Asia/Shanghai, may carry the receipt's fraction of a second
    provisional: bool

    def isoformat(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS+08:00`` (fractions of a second are cut, as ``isoformat`` does)."""
        return self.deadline.isoformat(timespec="seconds")


# -- the per-process index cache -----------------------------------------------------------------------
_cache: dict[str, Any] = {"index": None, "checked_at": 0.0, "interval": 0.0}


def calendar_version() -> int:
    from .models import CalendarState

    return CalendarState.objects.filter(id=1).values_list("version", flat=True).first() or 0


def build_index(version: int | None = None) -> WorkingDayIndex:
    from .choices import DayKind, YearStatus
    from .models import CalendarDay, CalendarYear

    if version is None:
        version = calendar_version()
    exceptions: dict[date, bool] = {}
    names: dict[date, str] = {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        exceptions[day] = kind == DayKind.WORKDAY
        names[day] = name
    published = CalendarYear.objects.filter(status=YearStatus.PUBLISHED).values_list("year", flat=True)
    first, last = conf.index_years()
    return WorkingDayIndex(first_year=first, last_year=last, exceptions=exceptions, names=names,
                           published_years=list(published), version=version, hours=conf.service_hours())


def get_index() -> WorkingDayIndex:
    """The cached index; compared with the database version at most every few seconds."""
    index = _cache["index"]
    now = _time.monotonic()
    if index is not None and now - _cache["checked_at"] < _cache["interval"]:
        return index
    version = calendar_version()
    if index is None or index.version != version:
        index = build_index(version)
        _cache["index"] = index
    _cache["interval"] = conf.version_check_seconds()
    _cache["checked_at"] = now
    return index


def reset_index() -> None:
    """Forget the cached index (after a change in this process; other processes notice the version)."""
    _cache["index"] = None
    _cache["checked_at"] = 0.0
    _cache["interval"] = 0.0


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("KEFU_SERVICE_HOURS") or setting.startswith("KEFU_CALENDAR"):
        reset_index()


# -- input validation (shared by the services, the CLI and the batch API) ------------------------------
def validate_unit(unit: Any) -> str:
    if not isinstance(unit, str) or unit not in UNITS:
        raise errors.DeadlineError(_("未知的期限单位：%(unit)r（可用：%(units)s）") % {"unit": unit, "units": ", ".join(sorted(UNITS))},
                                   code=errors.UNKNOWN_UNIT, fields={"unit": "unknown"})
    return unit


def validate_amount(amount: Any) -> int:
    # JSON has one number type: 7.0 is the integer 7, 7.5 and "7" and true are not integers.
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise errors.DeadlineError(_("数量必须是非负整数"), code=errors.INVALID_AMOUNT, fields={"amount": "not_integer"})
    if isinstance(amount, float):
        if not amount.is_integer():
            raise errors.DeadlineError(_("数量必须是非负整数"), code=errors.INVALID_AMOUNT,
                                       fields={"amount": "not_integer"})
        amount = int(amount)
    if amount < 0:
        raise errors.DeadlineError(_("数量不能为负数"), code=errors.INVALID_AMOUNT, fields={"amount": "negative"})
    return amount


_MIDNIGHT_24 = re.compile(r"T24:00(?::00(?:[.,]0+)?)?(?=[Z+-]|$)")


def _parse_iso(text: str) -> datetime:
    """ISO 8601 / RFC 3339 as ``fromisoformat`` reads it, plus lower-case ``t``/``z`` and ``24:00`` (end of day)."""
    text = text.strip().upper()
    if _MIDNIGHT_24.search(text):
        return datetime.fromisoformat(_MIDNIGHT_24.sub("T00:00:00", text, count=1)) + timedelta(days=1)
    return datetime.fromisoformat(text)


def parse_received_at(value: Any) -> datetime:
    """An aware datetime from a datetime or an ISO 8601 string with offset; naive input is refused."""
    if isinstance(value, str):
        try:
            value = _parse_iso(value)
        except ValueError:
            raise errors.DeadlineError(_("受理时间不是合法的 ISO 8601 时间：%(value)r") % {"value": value[:40]},
                                       code=errors.INVALID_DATETIME, fields={"received_at": "invalid"}) from None
    if not isinstance(value, datetime):
        raise errors.DeadlineError(_("受理时间必须是带时区偏移的 ISO 8601 时间"), code=errors.INVALID_DATETIME,
                                   fields={"received_at": "invalid"})
    if value.tzinfo is None or value.utcoffset() is None:
        raise errors.DeadlineError(_("受理时间缺少时区偏移（如 +08:00）"), code=errors.NAIVE_DATETIME,
                                   fields={"received_at": "naive"})
    return value


# -- computation ---------------------------------------------------------------------------------------
def _to_local(moment: datetime) -> datetime:
    try:
        return moment.astimezone(SHANGHAI)
    except (OverflowError, ValueError):
        raise errors.DeadlineError(_("受理时间超出可计算范围"), code=errors.OUT_OF_RANGE) from None


def compute_on(index: WorkingDayIndex, local: datetime, unit: str, amount: int, extension: int = 0
               ) -> DeadlineResult:
    """The deadline for a receipt at ``local`` (Asia/Shanghai), pushed back by ``extension``.

    ``extension`` is paused time in the unit's own measure (see :func:`paused_measure`): working days for
    the day units, microseconds of elapsed time for ``hours``, microseconds of business time for
    ``business_hours``.
    """
    if unit == "working_days" or unit == "calendar_days":
        offset = index.offset(local.date())
        if unit == "working_days":
            end = index.nth_working_after(offset, amount) if amount else index.working_on_or_after(offset)
        else:
            target = offset + amount
            if target >= index.size:
                raise errors.DeadlineError(_("期限超出日历索引范围"), code=errors.OUT_OF_RANGE)
            end = index.working_on_or_after(target)
        if extension > 0:
            end = index.nth_working_after(end, extension)
        deadline = index.end_of(end)
        return DeadlineResult(deadline, index.is_provisional(local.year, deadline.year))
    if unit == "hours":
        try:
            deadline = (local.astimezone(UTC) + timedelta(hours=amount, microseconds=extension)).astimezone(SHANGHAI)
        except OverflowError:
            raise errors.DeadlineError(_("期限超出可计算范围"), code=errors.OUT_OF_RANGE) from None
        return DeadlineResult(deadline, False)
    if unit == "business_hours":
        if amount == 0 and extension <= 0:
            return DeadlineResult(local, False)
        target = index.business_us(local) + amount * 3600 * US + max(extension, 0)
        deadline = index.moment_at_business_us(target)
        return DeadlineResult(deadline, index.is_provisional(local.year, deadline.year))
    raise errors.DeadlineError(_("未知的期限单位：%(unit)r") % {"unit": unit}, code=errors.UNKNOWN_UNIT, fields={"unit": "unknown"})


def compute_deadline(*, received_at: datetime | str, unit: str, amount: int, extension: int = 0
                     ) -> DeadlineResult:
    """Deadline for a receipt at ``received_at`` (any offset; converted to Asia/Shanghai first).

    Raises :class:`kefu.calendar.errors.DeadlineError` (code ``calendar.*``) on bad input.
    """
    # Fast path for the common, already valid call; anything else goes through the full validation.
    if not (type(received_at) is datetime and received_at.tzinfo is not None and received_at.utcoffset() is not None):
        received_at = parse_received_at(received_at)
    if type(unit) is not str or unit not in UNITS:
        unit = validate_unit(unit)
    if type(amount) is not int or amount < 0:
        amount = validate_amount(amount)
    return compute_on(get_index(), _to_local(received_at), unit, amount, extension)


def paused_measure(index: WorkingDayIndex, unit: str, paused_at: datetime, resumed_at: datetime) -> int:
    """How far a pause from ``paused_at`` to ``resumed_at`` pushes the deadline, in the unit's measure.

    Day units: the working days in (pause date, resume date], so a pause that starts and ends on the same
    day, or spans only a holiday, costs nothing. Hours: elapsed microseconds. Business hours: business
    microseconds.
    """
    start, end = _to_local(paused_at), _to_local(resumed_at)
    if end <= start:
        return 0
    if unit == "working_days" or unit == "calendar_days":
        return max(index.working_days_between(index.offset(start.date()), index.offset(end.date())), 0)
    if unit == "hours":
        delta = end - start
        return (delta.days * 86400 + delta.seconds) * US + delta.microseconds
    if unit == "business_hours":
        return max(index.business_us(end) - index.business_us(start), 0)
    raise errors.DeadlineError(_("未知的期限单位：%(unit)r") % {"unit": unit}, code=errors.UNKNOWN_UNIT)


def compute_item(item: Any) -> DeadlineResult:
    """Validate one ``{id, received_at, unit, amount}`` mapping (CLI line or API item) and compute it."""
    if not isinstance(item, dict):
        raise errors.DeadlineError(_("每一项必须是 JSON 对象"), code=errors.NOT_AN_OBJECT)
    missing = [f for f in ("received_at", "unit", "amount") if f not in item or item[f] is None]
    if missing:
        raise errors.DeadlineError(_("缺少字段：%(fields)s") % {"fields": ", ".join(missing)}, code=errors.MISSING_FIELD,
                                   fields=dict.fromkeys(missing, "required"))
    return compute_deadline(received_at=item["received_at"], unit=item["unit"], amount=item["amount"])


# -- calendar queries ----------------------------------------------------------------------------------
def is_working_day(d: date) -> bool:
    return get_index().is_working(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    index = get_index()
    return index.day(index.nth_working_after(index.offset(d), 1))


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after ``d`` (``n`` >= 1), or ``d``/the next working day for n = 0."""
    index = get_index()
    offset = index.offset(d)
    return index.day(index.nth_working_after(offset, n) if n > 0 else index.working_on_or_after(offset))


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]."""
    index = get_index()
    return index.working_days_between(index.offset(start), index.offset(end))


def is_provisional_year(year: int) -> bool:
    return get_index().is_provisional(year, year)
