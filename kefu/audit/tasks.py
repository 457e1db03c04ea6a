"""Retention: a daily task prunes audit entries older than KEFU_AUDIT_RETENTION_DAYS (3 years by default)."""

from __future__ import annotations

from django_tasks import task

from .services import prune_expired


@task()
def prune_audit_task() -> int:
    return prune_expired()


PERIODIC_TASKS = [(24 * 3600, prune_audit_task)]
