"""The periodic deadline watch: reminders before a breach, and escalation with the supervision flag
(督办) on breach. Idempotent: each work order is reminded and flagged once per deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.audit.choices import AuditKind
from kefu.audit.services import record

from . import conf
from .choices import OPEN_STATUSES, Status
from .models import WorkOrder
from .workflow import log_event

# Paused cases (waiting for the customer) are not running against their deadline.
WATCHED = OPEN_STATUSES - {Status.WAITING_CUSTOMER}


def send_reminders(now: datetime | None = None) -> int:
    now = now or timezone.now()
    lead = timedelta(hours=max(conf.reminder_hours_before() or [0]))
    count = 0
    ids = list(WorkOrder.objects.filter(status__in=WATCHED, reminded_at__isnull=True, due_at__gt=now,
                                        due_at__lte=now + lead).values_list("pk", flat=True)[:500])
    for pk in ids:
        with transaction.atomic():
            wo = WorkOrder.objects.select_for_update().filter(pk=pk, reminded_at__isnull=True).first()
            if wo is None:
                continue
            wo.reminded_at = now
            wo.save(update_fields=["reminded_at"])
            hours = round((wo.due_at - now).total_seconds() / 3600, 1)
            log_event(wo=wo, action="deadline_reminder", actor=None, data={"due_at": wo.due_at, "hours_left": hours},
                      at=now)
            record(actor=None, action="workorder.deadline_reminder", obj=wo, kind=AuditKind.SYSTEM,
                   changes={"due_at": wo.due_at, "assignee": getattr(wo.assignee, "username", None)})
            _notify_staff(wo, "workorder.staff_reminder", f"reminder:{wo.due_at:%Y%m%d%H%M}")
            count += 1
    return count


def flag_breaches(now: datetime | None = None) -> int:
    now = now or timezone.now()
    count = 0
    ids = list(WorkOrder.objects.filter(status__in=WATCHED, breached_at__isnull=True, due_at__lte=now)
               .values_list("pk", flat=True)[:500])
    for pk in ids:
        with transaction.atomic():
            wo = WorkOrder.objects.select_for_update().filter(pk=pk, breached_at__isnull=True).first()
            if wo is None:
                continue
            wo.breached_at = now
            if not wo.is_supervised:
                wo.is_supervised, wo.supervised_at = True, now
            wo.save(update_fields=["breached_at", "is_supervised", "supervised_at"])
            log_event(wo=wo, action="deadline_breached", actor=None, data={"due_at": wo.due_at, "supervised": True},
                      at=now)
            record(actor=None, action="workorder.deadline_breached", obj=wo, kind=AuditKind.SYSTEM,
                   changes={"due_at": wo.due_at, "is_supervised": [False, True]})
            _notify_staff(wo, "workorder.staff_breach", f"breach:{wo.due_at:%Y%m%d%H%M}")
            count += 1
    return count


def flag_handoff_breaches(now: datetime | None = None) -> int:
    """A hand-off past its own deadline (the branch or department is late even if the case is not yet)
    is recorded once on the timeline and puts the case under supervision."""
    from .choices import HandoffStatus
    from .models import Handoff, WorkOrderEvent

    now = now or timezone.now()
    count = 0
    late = (Handoff.objects.filter(status=HandoffStatus.OPEN, deadline__lte=now, workorder__status__in=WATCHED)
            .select_related("to_unit").order_by("deadline")[:500])
    for handoff in late:
        if WorkOrderEvent.objects.filter(workorder_id=handoff.workorder_id, action="handoff_breached",
                                         data__handoff_id=handoff.pk).exists():
            continue
        with transaction.atomic():
            wo = WorkOrder.objects.select_for_update().get(pk=handoff.workorder_id)
            if not wo.is_supervised:
                wo.is_supervised, wo.supervised_at = True, now
                wo.save(update_fields=["is_supervised", "supervised_at"])
            log_event(wo=wo, action="handoff_breached", actor=None, at=now,
                      data={"handoff_id": handoff.pk, "unit": handoff.to_unit.code, "deadline": handoff.deadline})
            record(actor=None, action="workorder.handoff_breached", obj=wo, kind=AuditKind.SYSTEM,
                   changes={"unit": handoff.to_unit.code, "deadline": handoff.deadline})
            count += 1
    return count


def _notify_staff(wo: WorkOrder, template_code: str, key: str) -> None:
    """Email the assignee (if they have an address); the queue pages show the flag either way."""
    user = wo.assignee or wo.owner
    if user is None or not user.email:
        return
    try:
        from kefu.notify.services import queue_notification

        queue_notification(channel="email", to=user.email, template_code=template_code,
                           context={"number": wo.number, "title": wo.title,
                                    "deadline": timezone.localtime(wo.due_at).strftime("%Y-%m-%d %H:%M")},
                           idempotency_key=f"workorder:{wo.pk}:{key}", actor=None, related=wo, urgent=True)
    except Exception:  # noqa: BLE001 (a missing template must not block the flag; the event is recorded)
        log_event(wo=wo, action="notification_failed", actor=None, data={"template": template_code})
