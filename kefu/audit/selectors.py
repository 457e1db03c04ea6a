"""Reads of the audit trail for auditors: one filter function shared by the API and the HTMX page."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(*, actor: str = "", action: str = "", object_type: str = "", object_id: str = "",
                   kind: str = "", date_from: date | None = None, date_to: date | None = None,
                   request_id: str = "") -> QuerySet[AuditEntry]:
    """Entries newest first. ``actor`` matches the username label exactly; ``action`` by prefix
    (``org.`` lists every organisation action); dates are inclusive days in the server's time zone."""
    qs = AuditEntry.objects.all()
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if kind:
        qs = qs.filter(kind=kind)
    if request_id:
        qs = qs.filter(request_id=request_id)
    if date_from:
        qs = qs.filter(created_at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_start_of(date_to) + timezone.timedelta(days=1))
    return qs.order_by("-seq")


def entries_for(obj: Any) -> QuerySet[AuditEntry]:
    """The history of one object, oldest first (for an object's "history" tab)."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")
