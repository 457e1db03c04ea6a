"""Periodic tasks: apps list ``PERIODIC_TASKS = [(every_seconds, task)]`` in their ``tasks.py``.

The worker calls :func:`enqueue_due` every few seconds; due jobs are claimed under a row lock
(``skip_locked``) so with several workers each run is enqueued once. The tasks themselves run on the
configured django-tasks backend (database or RQ), not here.
"""

from __future__ import annotations

import importlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PeriodicJob

logger = logging.getLogger("kefu.scheduler")


def periodic_tasks() -> list[tuple[int, Any]]:
    found: list[tuple[int, Any]] = []
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.tasks":
                raise
            continue
        found.extend(getattr(module, "PERIODIC_TASKS", []))
    return found


def task_name(task: Any) -> str:
    return getattr(task, "module_path", None) or f"{task.func.__module__}.{task.func.__name__}"


def enqueue_due(now: Any = None) -> list[str]:
    now = now or timezone.now()
    enqueued = []
    for every, task in periodic_tasks():
        name = task_name(task)
        with transaction.atomic():
            job, _ = PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
            job = PeriodicJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
            if job is None or job.next_run_at > now:
                continue
            job.next_run_at = now + timedelta(seconds=every)
            job.last_enqueued_at = now
            job.save(update_fields=["next_run_at", "last_enqueued_at"])
            transaction.on_commit(task.enqueue)
            enqueued.append(name)
    return enqueued
