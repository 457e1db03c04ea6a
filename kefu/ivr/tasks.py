"""Background work: end calls whose PBX connection vanished without a hangup."""

from django_tasks import task

from .services import close_stale_calls


@task()
def close_stale_ivr_calls() -> int:
    return close_stale_calls(actor=None)


PERIODIC_TASKS = [(600, close_stale_ivr_calls)]
