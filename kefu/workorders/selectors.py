"""Reads of work orders: always through ``visible_to(user)``; a hidden work order is a 404."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.org.visibility import get_visible_or_404

from . import conf
from .choices import ACTIVE_STATUSES, OPEN_STATUSES, ExtensionStatus
from .models import ExtensionRequest, WorkOrder


def visible_workorders(user: Any) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.visible_to(user)


def get_workorder(user: Any, number: str) -> WorkOrder:
    return get_visible_or_404(WorkOrder.objects.select_related(
        "handling_unit", "intake_unit", "owner", "assignee", "jrt_channel", "jrt_business", "jrt_reason",
        "complained_unit", "merged_into", "repeat_of", "signed_off_by", "customer"), user, number=number)


def workorders_for_customer(customer: Any, user: Any) -> QuerySet[WorkOrder]:
    q = Q(customer=customer)
    if getattr(customer, "cif_no", ""):
        q |= Q(customer_cif_no=customer.cif_no)
    return visible_workorders(user).filter(q).order_by("-received_at")


def filter_workorders(qs: QuerySet[WorkOrder], *, status: list[str] | None = None, kind: str = "",
                      severity: str = "", channel: str = "", overdue: bool | None = None,
                      near_breach: bool | None = None, jrt: str = "", date_from: Any = None, date_to: Any = None,
                      unit: Any = None, assignee: Any = None, owner: Any = None, supervised: bool | None = None,
                      q: str = "", now: datetime | None = None) -> QuerySet[WorkOrder]:
    now = now or timezone.now()
    if status:
        qs = qs.filter(status__in=status)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if channel:
        qs = qs.filter(channel=channel)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if near_breach:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__gte=now,
                       due_at__lt=now + timedelta(hours=conf.near_breach_hours()))
    if jrt:
        code = jrt.strip()
        dim, rest = code[:1].upper(), code[1:]
        field = {"A": "jrt_channel", "B": "jrt_business", "C": "jrt_reason"}.get(dim)
        if field:
            qs = qs.filter(**{f"{field}__code__startswith": rest})
    # Day bounds as instants in the center's time zone: a range on received_at itself uses its indexes,
    # received_at__date (a per-row time-zone conversion) would read every row.
    if date_from:
        qs = qs.filter(received_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_day_start(date_to) + timedelta(days=1))
    if unit is not None:
        from kefu.org.models import Unit

        qs = qs.filter(handling_unit_id__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if supervised is not None:
        qs = qs.filter(is_supervised=supervised)
    if q:
        from .search import filter_search

        qs = filter_search(qs, q)
    return qs


def _day_start(value: Any) -> datetime:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))  # ValueError: the caller's 4xx
    return timezone.make_aware(datetime.combine(day, time.min))


def my_queue(user: Any) -> QuerySet[WorkOrder]:
    return visible_workorders(user).filter(Q(assignee=user) | Q(owner=user), status__in=ACTIVE_STATUSES)


def unit_queue(user: Any) -> QuerySet[WorkOrder]:
    unit = getattr(user, "unit", None)
    if unit is None:
        return WorkOrder.objects.none()
    return visible_workorders(user).filter(handling_unit__path__startswith=unit.path, status__in=ACTIVE_STATUSES)


def pending_extensions(user: Any) -> QuerySet[ExtensionRequest]:
    visible = visible_workorders(user).values("pk")
    return (ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, workorder_id__in=visible)
            .select_related("workorder", "requested_by").order_by("requested_at"))


def supervision_board(user: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    base = visible_workorders(user).select_related("handling_unit", "assignee")
    return {
        "overdue": list(filter_workorders(base, overdue=True, now=now).order_by("due_at")[:100]),
        "near_breach": list(filter_workorders(base, near_breach=True, now=now).order_by("due_at")[:100]),
        "supervised": list(base.filter(is_supervised=True, status__in=OPEN_STATUSES).order_by("due_at")[:100]),
        "extensions": list(pending_extensions(user)[:100]),
    }
