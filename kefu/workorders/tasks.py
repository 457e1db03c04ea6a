from django_tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    from .webhooks import deliver

    delivery = deliver(delivery_id=delivery_id)
    return delivery.status if delivery else "skipped"


@task()
def retry_webhooks() -> int:
    from .webhooks import deliver, due_delivery_ids

    ids = due_delivery_ids()
    for delivery_id in ids:
        deliver(delivery_id=delivery_id)
    return len(ids)


@task()
def watch_deadlines() -> dict:
    """Reminders before a breach and the supervision flag on breach (configurable lead time)."""
    from .deadline_watch import flag_breaches, flag_handoff_breaches, send_reminders

    return {"reminded": send_reminders(), "breached": flag_breaches(), "handoffs_late": flag_handoff_breaches()}


PERIODIC_TASKS = [(300, watch_deadlines), (60, retry_webhooks)]
