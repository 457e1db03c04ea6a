"""Deadline clocks: start, pause, resume, stop, change policy, and recompute after a calendar change."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common import refcache
from kefu.pii.validators import reject_c3

from .. import errors
from ..choices import ClockStatus
from ..deadlines import DeadlineResult, compute_on, get_index, parse_received_at, paused_measure
from ..index import SHANGHAI, WorkingDayIndex
from ..models import ClockPause, DeadlineClock, DeadlinePolicy, DeadlineRecomputation

# The clock's one state machine: anything else raises.
TRANSITIONS: dict[str, set[str]] = {
    ClockStatus.RUNNING: {ClockStatus.PAUSED, ClockStatus.STOPPED},
    ClockStatus.PAUSED: {ClockStatus.RUNNING, ClockStatus.STOPPED},
    ClockStatus.STOPPED: set(),
}


def transition(*, clock: DeadlineClock, to: str) -> None:
    if to not in TRANSITIONS[clock.status]:
        raise errors.ClockStateError(
            _("计时器状态为「%(status)s」，不能变为「%(to)s」") % {"status": clock.get_status_display(), "to": ClockStatus(to).label},
            fields={"status": clock.status, "to": to})
    clock.status = to


# Versions are append-only rows (a change is a new version), read by every intake: a new version reaches other
# processes within this many seconds (its own process at once).
POLICY_CACHE_SECONDS = 60.0


def policy_cache_key(code: str) -> tuple[str, str]:
    return ("calendar.policy_versions", code)


def policy_in_force(code: str, on: date) -> DeadlinePolicy:
    """The latest version of policy ``code`` effective on ``on``."""
    versions = refcache.remember(policy_cache_key(code), POLICY_CACHE_SECONDS, lambda: list(
        DeadlinePolicy.objects.filter(code=code).order_by("-effective_from", "-version")))
    policy = next((p for p in versions if p.effective_from <= on), None)
    if policy is None:
        raise errors.PolicyNotFound(_("期限规则「%(code)s」不存在或在 %(day)s 尚未生效") % {"code": code, "day": on.isoformat()},
                                    fields={"policy_code": code})
    return policy


def _local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _clock_result(index: WorkingDayIndex, clock: DeadlineClock, pauses: list[ClockPause]) -> DeadlineResult:
    extension = sum(paused_measure(index, clock.unit, p.paused_at, p.resumed_at)
                    for p in pauses if p.resumed_at is not None)
    return compute_on(index, clock.started_at.astimezone(SHANGHAI), clock.unit, clock.amount, extension)


def _moment(value: Any, field: str) -> datetime:
    try:
        return parse_received_at(value)
    except errors.DeadlineError as exc:
        raise errors.DeadlineError(exc.message, code=exc.code, fields={field: exc.fields.get("received_at", "invalid")}
                                   ) from None


def _locked(clock: DeadlineClock) -> DeadlineClock:
    return DeadlineClock.objects.select_for_update().get(pk=clock.pk)


def _copy_into(target: DeadlineClock, source: DeadlineClock) -> DeadlineClock:
    # Callers keep their object; refresh it with what was saved.
    for field in ("status", "deadline", "provisional", "paused_at", "stopped_at", "policy_id", "unit", "amount",
                  "calendar_version", "updated_at"):
        setattr(target, field, getattr(source, field))
    return target


def start_clock(*, subject: models.Model, purpose: str, policy_code: str, started_at: datetime,
                actor: Any, new_subject: bool = False) -> DeadlineClock:
    """Start a deadline clock on any saved object; one open clock per (subject, purpose).

    ``new_subject``: the caller inserted ``subject`` in the current transaction, so no clock can exist yet
    and the lookup for an open one is skipped.
    """
    started_at = _moment(started_at, "started_at")
    if subject.pk is None:
        raise errors.CalendarError(_("计时对象尚未保存"), code="calendar.subject_unsaved")
    # Planned (policy looked up) before the block: a missing policy must not break the caller's transaction.
    planned = plan_clock(purpose=purpose, policy_code=policy_code, started_at=started_at)
    content_type = ContentType.objects.get_for_model(subject)
    # No savepoint of its own (two statements fewer per clock); the refusal is raised after the block so a
    # caller that catches it can go on with its transaction.
    with transaction.atomic(savepoint=False):
        open_clock = None if new_subject else (
            DeadlineClock.objects.select_for_update()
            .filter(content_type=content_type, object_id=str(subject.pk), purpose=purpose)
            .exclude(status=ClockStatus.STOPPED).first())
        if open_clock is None:
            clock = planned
            _bind(clock, subject, content_type)
            clock.save(force_insert=True)
            _record_started(clock, subject, actor)
    if open_clock is not None:
        raise errors.ClockStateError(_("该对象的同一用途已有计时器在运行"), code="calendar.clock_already_open",
                                     fields={"clock_id": open_clock.pk})
    return clock


def plan_clock(*, purpose: str, policy_code: str, started_at: datetime) -> DeadlineClock:
    """An unsaved clock with its deadline computed, for a subject the caller is about to insert (its
    deadline goes on the subject's own row, so the row is written once); ``start_planned_clocks`` stores it."""
    started_at = _moment(started_at, "started_at")
    policy = policy_in_force(policy_code, _local_date(started_at))
    index = get_index()
    result = compute_on(index, started_at.astimezone(SHANGHAI), policy.unit, policy.amount)
    return DeadlineClock(purpose=purpose[:40], policy=policy, unit=policy.unit, amount=policy.amount,
                         started_at=started_at, deadline=result.deadline, provisional=result.provisional,
                         calendar_version=index.version)


def start_planned_clocks(*, subject: models.Model, clocks: list[DeadlineClock], actor: Any) -> list[DeadlineClock]:
    """Store clocks from ``plan_clock`` on ``subject``, which the caller inserted in the current transaction
    (so none can be open for it yet): one INSERT for all of them, one audit entry each, as ``start_clock``."""
    if subject.pk is None:
        raise errors.CalendarError(_("计时对象尚未保存"), code="calendar.subject_unsaved")
    if len({c.purpose for c in clocks}) != len(clocks):
        raise errors.ClockStateError(_("该对象的同一用途已有计时器在运行"), code="calendar.clock_already_open",
                                     fields={"purpose": "duplicate"})
    content_type = ContentType.objects.get_for_model(subject)
    for clock in clocks:
        _bind(clock, subject, content_type)
    with transaction.atomic(savepoint=False):
        DeadlineClock.objects.bulk_create(clocks)
        for clock in clocks:
            _record_started(clock, subject, actor)
    return clocks


def _bind(clock: DeadlineClock, subject: models.Model, content_type: ContentType) -> None:
    clock.content_type, clock.object_id, clock.subject_label = content_type, str(subject.pk), str(subject)[:200]


def _record_started(clock: DeadlineClock, subject: models.Model, actor: Any) -> None:
    content_type, policy = clock.content_type, clock.policy
    record(actor=actor, action="calendar.clock_started", obj=clock, changes={
        "subject": [None, f"{content_type.app_label}.{content_type.model}:{subject.pk}"],
        "policy": [None, f"{policy.code} v{policy.version}"], "started_at": [None, clock.started_at],
        "deadline": [None, clock.deadline], "provisional": [None, clock.provisional]})


def pause_clock(*, clock: DeadlineClock, at: datetime, actor: Any, reason: str) -> DeadlineClock:
    """Pause a running clock (e.g. waiting for the customer's material); the deadline moves on resume."""
    at = _moment(at, "at")
    reject_c3(reason or "")
    if not (reason or "").strip():
        raise errors.CalendarError(_("暂停必须说明原因"), code="calendar.reason_required", fields={"reason": "required"})
    with transaction.atomic():
        locked = _locked(clock)
        if at < locked.started_at:
            raise errors.CalendarError(_("暂停时间早于起算时间"), code="calendar.invalid_time", fields={"at": "too_early"})
        transition(clock=locked, to=ClockStatus.PAUSED)
        locked.paused_at = at
        locked.save(update_fields=["status", "paused_at", "updated_at"])
        ClockPause.objects.create(clock=locked, paused_at=at, reason=reason.strip()[:300])
        record(actor=actor, action="calendar.clock_paused", obj=locked, reason=reason,
               changes={"status": [ClockStatus.RUNNING, ClockStatus.PAUSED], "paused_at": [None, at]})
    return _copy_into(clock, locked)


def _close_open_pause(index: WorkingDayIndex, clock: DeadlineClock, at: datetime) -> DeadlineResult:
    pauses = list(clock.pauses.order_by("paused_at"))
    for pause in pauses:
        if pause.resumed_at is None:
            if at < pause.paused_at:
                raise errors.CalendarError(_("恢复时间早于暂停时间"), code="calendar.invalid_time",
                                           fields={"at": "before_pause"})
            pause.resumed_at = at
            pause.save(update_fields=["resumed_at"])
    return _clock_result(index, clock, pauses)


def resume_clock(*, clock: DeadlineClock, at: datetime, actor: Any) -> DeadlineClock:
    """Resume a paused clock; the deadline moves by the working time the pause covered."""
    at = _moment(at, "at")
    index = get_index()
    with transaction.atomic():
        locked = _locked(clock)
        transition(clock=locked, to=ClockStatus.RUNNING)
        old_deadline = locked.deadline
        result = _close_open_pause(index, locked, at)
        locked.deadline, locked.provisional, locked.paused_at = result.deadline, result.provisional, None
        locked.calendar_version = index.version
        locked.save(update_fields=["status", "deadline", "provisional", "paused_at", "calendar_version",
                                   "updated_at"])
        record(actor=actor, action="calendar.clock_resumed", obj=locked, changes={
            "status": [ClockStatus.PAUSED, ClockStatus.RUNNING], "deadline": [old_deadline, result.deadline]})
    return _copy_into(clock, locked)


def stop_clock(*, clock: DeadlineClock, at: datetime, actor: Any) -> DeadlineClock:
    """Stop a clock (the obligation is met); a paused clock's pause ends at the stop."""
    at = _moment(at, "at")
    index = get_index()
    with transaction.atomic():
        locked = _locked(clock)
        was = locked.status
        transition(clock=locked, to=ClockStatus.STOPPED)
        old_deadline = locked.deadline
        if was == ClockStatus.PAUSED:
            result = _close_open_pause(index, locked, at)
            locked.deadline, locked.provisional = result.deadline, result.provisional
        locked.stopped_at, locked.paused_at = at, None
        locked.save(update_fields=["status", "deadline", "provisional", "stopped_at", "paused_at", "updated_at"])
        record(actor=actor, action="calendar.clock_stopped", obj=locked, changes={
            "status": [was, ClockStatus.STOPPED], "stopped_at": [None, at],
            "deadline": [old_deadline, locked.deadline], "breached": [None, locked.is_breached(at)]})
    return _copy_into(clock, locked)


def change_clock_policy(*, clock: DeadlineClock, policy_code: str, actor: Any, reason: str) -> DeadlineClock:
    """Switch an open clock to another policy (e.g. a regulatory extension), counted from the same start."""
    reject_c3(reason or "")
    if not (reason or "").strip():
        raise errors.CalendarError(_("变更期限规则必须说明原因"), code="calendar.reason_required",
                                   fields={"reason": "required"})
    index = get_index()
    with transaction.atomic():
        locked = _locked(clock)
        if locked.status == ClockStatus.STOPPED:
            raise errors.ClockStateError(_("计时器已停止，不能变更期限规则"))
        old_policy = locked.policy
        policy = policy_in_force(policy_code, _local_date(locked.started_at))
        locked.policy, locked.unit, locked.amount = policy, policy.unit, policy.amount
        old_deadline = locked.deadline
        result = _clock_result(index, locked, list(locked.pauses.order_by("paused_at")))
        locked.deadline, locked.provisional, locked.calendar_version = result.deadline, result.provisional, index.version
        locked.save(update_fields=["policy", "unit", "amount", "deadline", "provisional", "calendar_version",
                                   "updated_at"])
        record(actor=actor, action="calendar.clock_policy_changed", obj=locked, reason=reason, changes={
            "policy": [f"{old_policy.code} v{old_policy.version}", f"{policy.code} v{policy.version}"],
            "deadline": [old_deadline, result.deadline]})
    return _copy_into(clock, locked)


def recompute_open_clocks(*, changed_from: date | None = None, changed_to: date | None = None, reason: str = "",
                          actor: Any = None) -> list[DeadlineRecomputation]:
    """Recompute open clocks that depend on dates in [changed_from, changed_to]; record each that moved.

    A clock depends on the dates from its start to its deadline (and its pauses, which lie in between or
    before now). Provisional clocks are always rechecked: publishing a year changes no date but the flag.
    """
    index = get_index()
    clocks = DeadlineClock.objects.exclude(status=ClockStatus.STOPPED)
    if changed_to is not None:
        clocks = clocks.filter(started_at__lt=datetime.combine(changed_to + timedelta(days=1), time(), SHANGHAI))
    if changed_from is not None:
        since = datetime.combine(changed_from, time(), SHANGHAI)
        clocks = clocks.filter(models.Q(deadline__gte=since) | models.Q(provisional=True)
                               | models.Q(status=ClockStatus.PAUSED))
    moved: list[DeadlineRecomputation] = []
    for clock_id in list(clocks.values_list("pk", flat=True)):
        with transaction.atomic():
            clock = DeadlineClock.objects.select_for_update().filter(pk=clock_id).first()
            if clock is None or clock.status == ClockStatus.STOPPED:
                continue
            try:
                result = _clock_result(index, clock, list(clock.pauses.order_by("paused_at")))
            except errors.DeadlineError:
                continue  # out of the index range: keep the old deadline rather than guess
            if result.deadline == clock.deadline and result.provisional == clock.provisional:
                if clock.calendar_version != index.version:
                    DeadlineClock.objects.filter(pk=clock.pk).update(calendar_version=index.version)
                continue
            entry = DeadlineRecomputation.objects.create(
                clock=clock, old_deadline=clock.deadline, new_deadline=result.deadline,
                old_provisional=clock.provisional, new_provisional=result.provisional,
                calendar_version=index.version, reason=reason[:300])
            record(actor=actor, action="calendar.clock_recomputed", obj=clock, reason=reason, kind=AuditKind.SYSTEM,
                   changes={"deadline": [clock.deadline, result.deadline],
                            "provisional": [clock.provisional, result.provisional],
                            "calendar_version": [clock.calendar_version, index.version]})
            clock.deadline, clock.provisional, clock.calendar_version = (result.deadline, result.provisional,
                                                                         index.version)
            clock.save(update_fields=["deadline", "provisional", "calendar_version", "updated_at"])
            moved.append(entry)
    return moved


def review_recomputation(*, recomputation: DeadlineRecomputation, actor: Any) -> DeadlineRecomputation:
    """The director confirms having seen a moved deadline (it stays listed, marked reviewed)."""
    with transaction.atomic():
        locked = DeadlineRecomputation.objects.select_for_update().get(pk=recomputation.pk)
        if locked.reviewed_at is None:
            locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
            locked.save(update_fields=["reviewed_at", "reviewed_by"])
            record(actor=actor, action="calendar.recomputation_reviewed", obj=locked,
                   changes={"reviewed_at": [None, locked.reviewed_at]})
    return locked
