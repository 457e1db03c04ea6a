"""Changes to the holiday calendar: single days (admin), file imports and publishing a year.

Every change bumps the calendar version (other processes rebuild their index), is audited, and after
commit queues the recompute of open clocks that depend on the changed dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.pii.validators import reject_c3

from .. import conf, errors
from ..choices import DayKind, DaySource, YearStatus
from ..deadlines import reset_index
from ..importer import parse_calendar_file
from ..models import CalendarDay, CalendarState, CalendarYear


def _enqueue_recompute(changed_from: str, changed_to: str, reason: str) -> None:
    from ..tasks import recompute_deadlines

    recompute_deadlines.enqueue(changed_from=changed_from, changed_to=changed_to, reason=reason)


def _calendar_changed(*, changed_from: date, changed_to: date, reason: str) -> int:
    """Bump the version, drop this process's index now and at commit, queue the recompute after commit."""
    CalendarState.objects.get_or_create(id=1)
    CalendarState.objects.filter(id=1).update(version=F("version") + 1, changed_at=timezone.now())
    version = CalendarState.objects.get(id=1).version
    reset_index()
    transaction.on_commit(reset_index)
    transaction.on_commit(partial(_enqueue_recompute, changed_from.isoformat(), changed_to.isoformat(),
                                  reason[:300]))
    return version


def _check_day(day: date, kind: str) -> None:
    first, last = conf.index_years()
    if not first <= day.year <= last:
        raise errors.InvalidCalendarDay(_("年份须在 %(first)s–%(last)s 之间") % {"first": first, "last": last}, fields={"date": "out_of_range"})
    if kind not in DayKind.values:
        raise errors.InvalidCalendarDay(fields={"kind": "invalid"})
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise errors.InvalidCalendarDay(_("调休上班日必须是周六或周日"), fields={"kind": "weekday_workday"})


def set_calendar_day(*, day: date, kind: str, name: str = "", actor: Any, reason: str = "",
                     source: str = DaySource.ADMIN, note: str = "") -> CalendarDay:
    """Create or change one exception day (holiday or make-up working day)."""
    _check_day(day, kind)
    reject_c3(name)
    reject_c3(note)
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = {"kind": entry.kind, "name": entry.name, "source": entry.source} if entry else {}
        if entry is None:
            entry = CalendarDay(date=day)
        entry.kind, entry.name, entry.source, entry.note = kind, name[:60], source, note[:200]
        entry.save()
        after = {"kind": kind, "name": entry.name, "source": source}
        if before == after:
            return entry
        CalendarYear.objects.get_or_create(year=day.year)
        version = _calendar_changed(changed_from=day, changed_to=day, reason=f"{day.isoformat()} 调整：{reason}")
        record(actor=actor, action="calendar.day_set", obj=entry, reason=reason,
               changes={**{k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
                        "calendar_version": [version - 1, version]})
    return entry


def remove_calendar_day(*, day: date, actor: Any, reason: str = "") -> None:
    """Remove an exception: the date is then an ordinary weekday or weekend."""
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(date=day).first()
        if entry is None:
            raise errors.InvalidCalendarDay(_("%(day)s 没有节假日或调休记录") % {"day": day.isoformat()}, code="calendar.day_not_found",
                                            status=404)
        record(actor=actor, action="calendar.day_removed", obj=entry, reason=reason,
               changes={"kind": [entry.kind, None], "name": [entry.name, None]})
        entry.delete()
        _calendar_changed(changed_from=day, changed_to=day, reason=f"{day.isoformat()} 删除：{reason}")


@dataclass
class ImportSummary:
    years: list[int]
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    published: list[int] = field(default_factory=list)
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"years": self.years, "created": self.created, "updated": self.updated, "removed": self.removed,
                "unchanged": self.unchanged, "published": self.published, "version": self.version}


def import_calendar(*, text: str, actor: Any, filename: str = "", replace: bool = False, publish: bool = False,
                    source: str = "", reason: str = "") -> ImportSummary:
    """Import a schedule file (see :mod:`kefu.calendar.importer`); all or nothing.

    ``replace`` removes the existing exceptions of the file's years that the file does not list (a new
    official schedule replaces the old one). ``publish`` marks those years complete.
    """
    reject_c3(source)
    reject_c3(reason)
    parsed = parse_calendar_file(text)
    years = sorted({p.date.year for p in parsed})
    summary = ImportSummary(years=years)
    with transaction.atomic():
        existing = {d.date: d for d in CalendarDay.objects.select_for_update().filter(year__in=years)}
        listed = {p.date for p in parsed}
        changed: list[date] = []
        for p in parsed:
            entry = existing.get(p.date)
            if entry is None:
                CalendarDay.objects.create(date=p.date, kind=p.kind, name=p.name, source=DaySource.IMPORT,
                                           note=filename[:200])
                summary.created += 1
                changed.append(p.date)
            elif entry.kind != p.kind or entry.name != p.name:
                entry.kind, entry.name, entry.source, entry.note = p.kind, p.name, DaySource.IMPORT, filename[:200]
                entry.save()
                summary.updated += 1
                changed.append(p.date)
            else:
                summary.unchanged += 1
        if replace:
            stale = [d for d in existing if d not in listed]
            CalendarDay.objects.filter(date__in=stale).delete()
            summary.removed = len(stale)
            changed.extend(stale)
        for year in years:
            cal_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
            if source and cal_year.source != source:
                cal_year.source = source[:200]
                cal_year.save(update_fields=["source"])
            if publish and cal_year.status != YearStatus.PUBLISHED:
                cal_year.status, cal_year.published_at = YearStatus.PUBLISHED, timezone.now()
                cal_year.published_by = actor if getattr(actor, "pk", None) else None
                cal_year.save(update_fields=["status", "published_at", "published_by"])
                summary.published.append(year)
        if changed or summary.published:
            span = changed or [date(years[0], 1, 1), date(years[-1], 12, 31)]
            summary.version = _calendar_changed(changed_from=min(span), changed_to=max(span),
                                                reason=f"导入 {filename or '节假日文件'}：{reason}")
        record(actor=actor, action="calendar.imported", object_type="calendar.calendaryear",
               object_id=",".join(str(y) for y in years), object_repr=filename or "import", reason=reason,
               changes={"summary": summary.as_dict(), "changed_dates": [d.isoformat() for d in sorted(changed)][:400],
                        "replace": replace, "source": source})
    return summary


def publish_year(*, year: int, actor: Any, source: str = "") -> CalendarYear:
    """Mark a year's schedule complete: deadlines in it stop being provisional."""
    reject_c3(source)
    first, last = conf.index_years()
    if not first <= year <= last:
        raise errors.InvalidCalendarDay(_("年份须在 %(first)s–%(last)s 之间") % {"first": first, "last": last}, fields={"year": "out_of_range"})
    with transaction.atomic():
        cal_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        if cal_year.status == YearStatus.PUBLISHED:
            return cal_year
        if not CalendarDay.objects.filter(year=year).exists():
            raise errors.InvalidCalendarDay(_("%(year)s年尚无任何节假日条目，请先导入后再发布") % {"year": year},
                                            code="calendar.year_empty", fields={"year": "empty"})
        cal_year.status, cal_year.published_at = YearStatus.PUBLISHED, timezone.now()
        cal_year.published_by = actor if getattr(actor, "pk", None) else None
        if source:
            cal_year.source = source[:200]
        cal_year.save()
        version = _calendar_changed(changed_from=date(year, 1, 1), changed_to=date(year, 12, 31),
                                    reason=f"发布{year}年节假日安排")
        record(actor=actor, action="calendar.year_published", obj=cal_year,
               changes={"status": [YearStatus.DRAFT, YearStatus.PUBLISHED], "calendar_version": [version - 1, version]})
    return cal_year


def unpublish_year(*, year: int, actor: Any, reason: str) -> CalendarYear:
    reject_c3(reason)
    with transaction.atomic():
        cal_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        if cal_year is None or cal_year.status != YearStatus.PUBLISHED:
            raise errors.InvalidCalendarDay(_("%(year)s年未发布") % {"year": year}, code="calendar.year_not_published", status=409)
        cal_year.status = YearStatus.DRAFT
        cal_year.save(update_fields=["status"])
        _calendar_changed(changed_from=date(year, 1, 1), changed_to=date(year, 12, 31), reason=f"撤回{year}年发布")
        record(actor=actor, action="calendar.year_unpublished", obj=cal_year, reason=reason,
               changes={"status": [YearStatus.PUBLISHED, YearStatus.DRAFT]})
    return cal_year
