"""The per-process index follows the calendar version in the database (changes made by other processes)."""

from datetime import date

import pytest
from django.db.models import F

from kefu.calendar import deadlines
from kefu.calendar.models import CalendarDay, CalendarState

pytestmark = pytest.mark.django_db


def _change_elsewhere():
    # What another process's service does, without touching this process's cache.
    CalendarDay.objects.create(date=date(2026, 11, 27), kind="holiday", name="他处修改")
    CalendarState.objects.filter(id=1).update(version=F("version") + 1)


def test_other_process_change_is_seen_after_the_check_interval(settings):
    settings.KEFU_CALENDAR_VERSION_CHECK_SECONDS = 3600
    assert deadlines.is_working_day(date(2026, 11, 27))
    first = deadlines.get_index()
    _change_elsewhere()
    assert deadlines.get_index() is first  # within the interval: no database round trip
    deadlines._cache["checked_at"] -= 7200  # the interval has passed
    assert deadlines.get_index() is not first
    assert not deadlines.is_working_day(date(2026, 11, 27))


def test_unchanged_version_keeps_the_index(settings):
    settings.KEFU_CALENDAR_VERSION_CHECK_SECONDS = 0
    first = deadlines.get_index()
    assert deadlines.get_index() is first


def test_index_counts_match_a_day_by_day_count():
    index = deadlines.get_index()
    start, end = index.offset(date(2024, 1, 1)), index.offset(date(2026, 12, 31))
    by_loop = sum(index.is_work[i] for i in range(start + 1, end + 1))
    assert index.working_days_between(start, end) == by_loop
    assert deadlines.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert deadlines.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
