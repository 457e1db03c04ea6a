"""Every write of the calendar app (keyword-only, explicit ``actor``, atomic, audited)."""

from .calendar_days import (
    ImportSummary,
    import_calendar,
    publish_year,
    remove_calendar_day,
    set_calendar_day,
    unpublish_year,
)
from .clocks import (
    change_clock_policy,
    pause_clock,
    plan_clock,
    policy_in_force,
    recompute_open_clocks,
    resume_clock,
    review_recomputation,
    start_clock,
    start_planned_clocks,
    stop_clock,
)
from .policies import create_policy_version

__all__ = [
    "ImportSummary", "change_clock_policy", "create_policy_version", "import_calendar", "pause_clock",
    "plan_clock", "policy_in_force", "publish_year", "recompute_open_clocks", "remove_calendar_day", "resume_clock",
    "review_recomputation", "set_calendar_day", "start_clock", "start_planned_clocks", "stop_clock", "unpublish_year",
]
