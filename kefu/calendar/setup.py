"""``manage.py kefu_setup`` hook: seed the holiday calendar and the deadline policies (idempotent)."""

from __future__ import annotations

from typing import Any


def seed(stdout: Any = None) -> None:
    """Create missing holiday/make-up days (chinese-calendar, 2004 onwards), years and default policies.

    Days a maintainer changed are never overwritten; a year the package does not cover stays missing
    (deadlines there are provisional) until a maintainer imports and publishes it.
    """
    from . import seeddata
    from .deadlines import reset_index
    from .models import CalendarDay, CalendarState, CalendarYear, DeadlinePolicy

    seeddata.ensure_state(CalendarState)
    days, years = seeddata.seed_holidays(CalendarDay, CalendarYear)
    policies = seeddata.seed_policies(DeadlinePolicy)
    if days or years:
        from django.db.models import F

        CalendarState.objects.filter(id=1).update(version=F("version") + 1)
    reset_index()
    if stdout is not None:
        span = seeddata.package_years()
        stdout.write(f"calendar: {days} days and {years} years added ({span.start}-{span.stop - 1} from "
                     f"chinese-calendar), {policies} deadline policies added")
