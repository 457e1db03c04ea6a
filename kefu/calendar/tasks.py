"""Background work of the calendar app."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def recompute_deadlines(*, changed_from: str, changed_to: str, reason: str = "") -> int:
    """Recompute open clocks after a calendar change; returns how many deadlines moved."""
    from .deadlines import reset_index
    from .services import recompute_open_clocks

    reset_index()  # the worker may hold an index older than the change that queued this task
    moved = recompute_open_clocks(changed_from=date.fromisoformat(changed_from),
                                  changed_to=date.fromisoformat(changed_to), reason=reason)
    return len(moved)


PERIODIC_TASKS: list = []
