"""Reads of the calendar app."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .choices import ClockStatus
from .models import CalendarYear, DeadlineClock, DeadlineRecomputation


def clocks_for(obj: models.Model) -> models.QuerySet[DeadlineClock]:
    """Every clock of an object, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return (DeadlineClock.objects.filter(content_type=content_type, object_id=str(obj.pk))
            .select_related("policy").order_by("started_at", "pk"))


def open_clock_for(obj: models.Model, purpose: str) -> DeadlineClock | None:
    return clocks_for(obj).filter(purpose=purpose).exclude(status=ClockStatus.STOPPED).first()


def recomputations(*, unreviewed_only: bool = False) -> models.QuerySet[DeadlineRecomputation]:
    qs = DeadlineRecomputation.objects.select_related("clock", "clock__policy", "clock__content_type", "reviewed_by")
    if unreviewed_only:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def years() -> models.QuerySet[CalendarYear]:
    return CalendarYear.objects.order_by("-year")
