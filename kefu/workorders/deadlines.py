"""Deadlines through the calendar engine (``kefu.calendar``), as policy data.

Each work order runs clocks by purpose: ``handling`` (by kind and severity), ``regulatory`` (complaints:
15 calendar days, extendable to 30 and 60), ``reply`` (after resolution) and ``recheck``; every hand-off
runs its own ``handoff`` clock. The chosen deadlines are copied onto the work order / hand-off row so
queues filter and sort on an index.

Without the calendar app (early development, or a broken install) a conservative fallback counts
weekdays only and marks the deadline provisional, so nothing stops working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models

from . import conf
from .choices import Kind, Severity

logger = logging.getLogger("kefu.workorders")

# Policy codes by kind and severity (data in kefu.calendar.DeadlinePolicy; codes configurable here).
DEFAULT_HANDLING_POLICIES = {
    (Kind.COMPLAINT, Severity.GENERAL): "complaint.general",
    (Kind.COMPLAINT, Severity.MAJOR): "complaint.major",
    (Kind.COMPLAINT, Severity.URGENT): "complaint.urgent",
    (Kind.CONSULTATION, ""): "consultation.default",
    (Kind.SUGGESTION, ""): "suggestion.default",
    (Kind.PRAISE, ""): "suggestion.default",
    (Kind.SERVICE_REQUEST, ""): "service_request.default",
}
REGULATORY_POLICIES = ["regulatory.initial", "regulatory.extension_1", "regulatory.extension_2"]
REPLY_POLICY = "reply_after_resolution"
RECHECK_WINDOW_POLICY = "recheck.request_window"
RECHECK_ANSWER_POLICY = "recheck.answer"

# Used only when kefu.calendar is unavailable: (unit, amount).
_FALLBACK = {
    "complaint.general": ("working_days", 7), "complaint.major": ("working_days", 15),
    "complaint.urgent": ("hours", 24), "consultation.default": ("working_days", 3),
    "suggestion.default": ("working_days", 15), "service_request.default": ("working_days", 5),
    "atm_adjustment": ("working_days", 5), "reply_after_resolution": ("working_days", 3),
    "regulatory.initial": ("calendar_days", 15), "regulatory.extension_1": ("calendar_days", 30),
    "regulatory.extension_2": ("calendar_days", 60), "recheck.request_window": ("calendar_days", 30),
    "recheck.answer": ("calendar_days", 30), "first_response": ("hours", 4),
}


@dataclass
class Deadline:
    deadline: datetime
    provisional: bool
    clock: Any = None


def handling_policy(*, kind: str, severity: str, tags: list[str] | None = None) -> str:
    if kind == Kind.SERVICE_REQUEST and "atm_adjustment" in (tags or []):
        return "atm_adjustment"
    policies = conf.get("KEFU_WORKORDER_HANDLING_POLICIES", DEFAULT_HANDLING_POLICIES)
    return policies.get((kind, severity)) or policies.get((kind, "")) or "service_request.default"


def calendar_available() -> bool:
    try:
        from kefu.calendar import services  # noqa: F401
    except ImportError:
        return False
    return hasattr(services, "start_clock")


def _fallback(policy_code: str, started_at: datetime) -> Deadline:
    unit, amount = _FALLBACK.get(policy_code, ("calendar_days", 15))
    if unit == "hours" or unit == "business_hours":
        return Deadline(started_at + timedelta(hours=amount), True)
    if unit == "calendar_days":
        return Deadline(started_at + timedelta(days=amount), True)
    day, left = started_at, amount
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return Deadline(day, True)


def start(*, subject: models.Model, purpose: str, policy_code: str, started_at: datetime, actor: Any,
          new_subject: bool = False) -> Deadline:
    if calendar_available():
        from kefu.calendar.services import start_clock

        clock = start_clock(subject=subject, purpose=purpose, policy_code=policy_code, started_at=started_at,
                            actor=actor, new_subject=new_subject)
        return Deadline(clock.deadline, bool(clock.provisional), clock)
    return _fallback(policy_code, started_at)


def plan(*, purpose: str, policy_code: str, started_at: datetime) -> Deadline:
    """A clock's deadline for a subject not inserted yet (its clock, unsaved, goes to ``start_planned``)."""
    if calendar_available():
        from kefu.calendar.services import plan_clock

        clock = plan_clock(purpose=purpose, policy_code=policy_code, started_at=started_at)
        return Deadline(clock.deadline, bool(clock.provisional), clock)
    return _fallback(policy_code, started_at)


def start_planned(*, subject: models.Model, planned: list[Deadline], actor: Any) -> None:
    """Store the clocks of ``plan`` once ``subject`` (inserted in this transaction) has its key."""
    clocks = [d.clock for d in planned if d.clock is not None]
    if clocks:
        from kefu.calendar.services import start_planned_clocks

        start_planned_clocks(subject=subject, clocks=clocks, actor=actor)


def compute(*, policy_code: str, started_at: datetime) -> Deadline:
    """A deadline without a clock (e.g. the re-check request window)."""
    try:
        from kefu.calendar.deadlines import compute_deadline
        from kefu.calendar.models import DeadlinePolicy
    except ImportError:
        return _fallback(policy_code, started_at)
    policy = (DeadlinePolicy.objects.filter(code=policy_code).order_by("-effective_from", "-version").first())
    if policy is None:
        return _fallback(policy_code, started_at)
    result = compute_deadline(received_at=started_at, unit=policy.unit, amount=policy.amount)
    return Deadline(result.deadline, bool(result.provisional))


def _clocks(subject: models.Model, purpose: str | None = None) -> list[Any]:
    if not calendar_available():
        return []
    from kefu.calendar.selectors import clocks_for

    return [c for c in clocks_for(subject) if purpose is None or c.purpose == purpose]


def _running(clock: Any, *states: str) -> bool:
    return str(getattr(clock, "status", "")) in states


def stop(*, subject: models.Model, purpose: str | None, at: datetime, actor: Any) -> None:
    from kefu.calendar.services import stop_clock

    for clock in _clocks(subject, purpose):
        if _running(clock, "running", "paused"):
            stop_clock(clock=clock, at=at, actor=actor)


def pause(*, subject: models.Model, at: datetime, actor: Any, reason: str) -> None:
    from kefu.calendar.services import pause_clock

    for clock in _clocks(subject):
        if _running(clock, "running"):
            pause_clock(clock=clock, at=at, actor=actor, reason=reason)


def resume(*, subject: models.Model, at: datetime, actor: Any) -> list[Any]:
    from kefu.calendar.services import resume_clock

    resumed = []
    for clock in _clocks(subject):
        if _running(clock, "paused"):
            resume_clock(clock=clock, at=at, actor=actor)
            clock.refresh_from_db()
            resumed.append(clock)
    return resumed


def change_policy(*, subject: models.Model, purpose: str, policy_code: str, actor: Any, reason: str,
                  started_at: datetime) -> Deadline:
    clocks = [c for c in _clocks(subject, purpose) if _running(c, "running", "paused")]
    if clocks:
        from kefu.calendar.services import change_clock_policy

        clock = change_clock_policy(clock=clocks[0], policy_code=policy_code, actor=actor, reason=reason)
        clock = clock or clocks[0]
        clock.refresh_from_db()
        return Deadline(clock.deadline, bool(clock.provisional), clock)
    return start(subject=subject, purpose=purpose, policy_code=policy_code, started_at=started_at, actor=actor) \
        if calendar_available() else _fallback(policy_code, started_at)


def clocks_for(subject: models.Model) -> list[Any]:
    return _clocks(subject)
