from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def refresh_workorder_rollups() -> int:
    """Today and yesterday (late closures) are rebuilt every few minutes; older days are stable."""
    from .workorder_rollups import rebuild_workorder_rollups

    today = timezone.localdate()
    return rebuild_workorder_rollups(today) + rebuild_workorder_rollups(today - timedelta(days=1))


@task()
def run_report_export(export_id: int) -> str:
    from .exports import run_export

    return run_export(export_id=export_id)


@task()
def send_scheduled_reports() -> int:
    from .schedules import send_due_reports

    return send_due_reports()


PERIODIC_TASKS = [(300, refresh_workorder_rollups), (600, send_scheduled_reports)]
