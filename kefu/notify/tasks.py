from django_tasks import task

from . import services


@task()
def deliver_notification(notification_id: int) -> str:
    n = services.deliver(notification_id=notification_id)
    return n.status if n else "skipped"


@task()
def deliver_due_notifications() -> int:
    """Sweep: retries after backoff, messages held by quiet hours, and any whose enqueue was lost."""
    services.requeue_stuck()
    ids = services.due_notification_ids()
    for notification_id in ids:
        services.deliver(notification_id=notification_id)
    return len(ids)


PERIODIC_TASKS = [(30, deliver_due_notifications)]
