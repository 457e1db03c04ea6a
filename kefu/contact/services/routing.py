"""Routing: the most urgent waiting contact goes to the longest-idle ready agent with the queue's skill.

Waiting contacts are ordered by priority (vulnerable customers are boosted) then by queue time. Phone
and video need a READY agent; chats and emails may also go to an agent already chatting below their
concurrency limit (never to one on a phone call).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..choices import AgentState, ContactChannel, EventKind, InteractionStatus
from ..models import AgentProfile, Interaction

S = InteractionStatus
ACTIVE = [S.ALERTING, S.ANSWERED, S.HELD]


def _candidate_agent(interaction: Interaction) -> AgentProfile | None:
    skill_id = interaction.queue.skill_id
    qs = AgentProfile.objects.select_for_update(skip_locked=True, of=("self",)).filter(skills__id=skill_id)
    if interaction.channel in (ContactChannel.PHONE, ContactChannel.VIDEO):
        return qs.filter(state=AgentState.READY).order_by("idle_since", "pk").first()
    busy_phone = Q(interactions__status__in=ACTIVE, interactions__channel__in=[ContactChannel.PHONE,
                                                                               ContactChannel.VIDEO])
    candidates = (AgentProfile.objects.filter(skills__id=skill_id, state__in=[AgentState.READY, AgentState.ON_CALL])
                  .exclude(busy_phone)
                  .annotate(active=Count("interactions", filter=Q(interactions__status__in=ACTIVE)))
                  .order_by("active", "idle_since", "pk"))
    for agent in candidates:
        if agent.active < agent.max_concurrent_chats:
            return AgentProfile.objects.select_for_update(skip_locked=True).filter(pk=agent.pk).first()
    return None


def route_waiting(*, actor: Any = None, limit: int = 50) -> int:
    """Assign waiting contacts while agents are available; returns how many were routed."""
    from .agents import _change_state
    from .interactions import _transition, notify_agent_of_offer

    routed = 0
    waiting = list(Interaction.objects.filter(status=S.QUEUED).select_related("queue")
                   .order_by("-priority", "queued_at", "pk").values_list("pk", flat=True)[:limit])
    for interaction_id in waiting:
        with transaction.atomic():
            interaction = (Interaction.objects.select_for_update(skip_locked=True, of=("self",)).select_related("queue")
                           .filter(pk=interaction_id, status=S.QUEUED).first())
            if interaction is None:
                continue
            agent = _candidate_agent(interaction)
            if agent is None:
                continue
            now = timezone.now()
            interaction.agent = agent
            interaction.alerted_at = now
            _transition(interaction, S.ALERTING, actor=actor, event=EventKind.ROUTED, now=now, agent=agent.pk)
            interaction.save(update_fields=["agent", "alerted_at", "status"])
            if agent.state != AgentState.ON_CALL:
                _change_state(agent, AgentState.ON_CALL, "", now)
            notify_agent_of_offer(interaction)
            routed += 1
    return routed
