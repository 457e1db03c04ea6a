from django_tasks import task


@task()
def purge_expired_recordings() -> int:
    from .services.recordings import purge_expired

    return purge_expired()


@task()
def route_waiting_contacts() -> int:
    # Safety net: routing normally happens on every state change; this catches anything missed.
    from .services.routing import route_waiting

    return route_waiting()


PERIODIC_TASKS = [(24 * 3600, purge_expired_recordings), (15, route_waiting_contacts)]
