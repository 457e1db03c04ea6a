"""Reads for the desktop, wallboard and API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from .choices import AgentState, InteractionStatus
from .models import AgentProfile, Interaction, Queue

ACTIVE = [InteractionStatus.ALERTING, InteractionStatus.ANSWERED, InteractionStatus.HELD, InteractionStatus.WRAP_UP]


def agent_profile_for(user) -> AgentProfile | None:
    return AgentProfile.objects.filter(user=user).select_related("user").prefetch_related("skills").first()


def active_interactions(agent: AgentProfile):
    return (Interaction.objects.filter(agent=agent, status__in=ACTIVE)
            .select_related("queue", "customer", "wrap_up_code").order_by("offered_at"))


def interactions_visible_to(user):
    # Interactions are center data: the permission decides, then unit scope on the customer's home branch.
    if not user.has_kefu_perm("contact.view_interactions"):
        return Interaction.objects.none()
    paths = user.visible_unit_paths()
    qs = Interaction.objects.all()
    if paths is not None:
        q = Q(pk__in=[])
        for p in paths:
            q |= Q(customer__home_unit__path__startswith=p)
        qs = qs.filter(q)
    return qs


def local_day_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def wallboard(now: datetime | None = None) -> dict[str, Any]:
    """Live figures: waiting per queue, longest wait, today's service level, agents by state."""
    from kefu.reports.kpis import contact_kpis

    now = now or timezone.now()
    day_start = local_day_start(now)
    waiting = {row["queue_id"]: row for row in Interaction.objects.filter(status=InteractionStatus.QUEUED)
               .values("queue_id").annotate(n=Count("pk"), oldest=Min("queued_at"))}
    queues = []
    for queue in Queue.objects.filter(active=True).order_by("code"):
        row = waiting.get(queue.pk, {"n": 0, "oldest": None})
        longest = int((now - row["oldest"]).total_seconds()) if row["oldest"] else 0
        k = contact_kpis(start=day_start, end=now + timedelta(minutes=30), queue_id=queue.pk)
        queues.append({
            "queue": queue, "waiting": row["n"], "longest_wait": longest,
            "longest_red": longest > queue.max_wait_alert_seconds,
            "service_level": k.service_level, "offered": k.offered, "answered": k.answered,
            "abandoned": k.abandoned,
            "sl_red": k.service_level is not None and k.service_level < float(queue.service_level_target),
        })
    states = dict(AgentProfile.objects.values_list("state").annotate(n=Count("pk")))
    total = contact_kpis(start=day_start, end=now + timedelta(minutes=30))
    return {
        "queues": queues,
        "agents_by_state": [(label, states.get(value, 0)) for value, label in AgentState.choices],
        "total": total,
        "now": now,
    }


def resolve_queue(code: str) -> Queue | None:
    """A queue by its code, or by the IVR's queue name (``KEFU_IVR_QUEUE_MAP``, default ``phone-<name>``)."""
    from django.conf import settings

    mapped = getattr(settings, "KEFU_IVR_QUEUE_MAP", {}).get(code)
    for candidate in (mapped, code, f"phone-{code}"):
        if candidate:
            queue = Queue.objects.filter(code=candidate, active=True).first()
            if queue is not None:
                return queue
    return None


class QueueStatus:
    def __init__(self, waiting: int, estimated_wait_s: int) -> None:
        self.waiting, self.estimated_wait_s = waiting, estimated_wait_s


def queue_status(code: str) -> QueueStatus:
    """How many wait in a queue and a rough expected wait (recent average handle time over ready agents)."""
    from django.db.models import Avg

    queue = resolve_queue(code)
    if queue is None:
        return QueueStatus(0, 0)
    waiting = Interaction.objects.filter(queue=queue, status=InteractionStatus.QUEUED).count()
    staffed = AgentProfile.objects.filter(skills=queue.skill).exclude(state__in=[AgentState.OFFLINE]).count() or 1
    aht = Interaction.objects.filter(queue=queue, status=InteractionStatus.ENDED).order_by("-ended_at")[:50].aggregate(
        a=Avg("talk_seconds"))["a"] or 180
    return QueueStatus(waiting, int(waiting * aht / staffed))
