from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record

from ..choices import AgentState
from ..errors import AgentStateError
from ..models import AgentProfile, AgentStateLog
from ..signals import agent_state_ended
from .live import WALLBOARD_GROUP, agent_group, publish_on_commit

# States an agent may choose; ON_CALL and AFTER_CALL_WORK are set by the interaction flow.
AGENT_SELECTABLE = {AgentState.READY, AgentState.BREAK, AgentState.TRAINING, AgentState.OFFLINE,
                    AgentState.AFTER_CALL_WORK}
REASON_REQUIRED = {AgentState.BREAK, AgentState.TRAINING}


def _change_state(profile: AgentProfile, state: str, reason: str, now) -> None:
    for log in AgentStateLog.objects.filter(agent=profile, ended_at__isnull=True):
        log.ended_at = now
        log.save(update_fields=["ended_at"])
        agent_state_ended.send(sender=AgentProfile, agent=profile, state=log.state, started_at=log.started_at,
                               ended_at=now)
    AgentStateLog.objects.create(agent=profile, state=state, reason=reason, started_at=now)
    profile.state, profile.state_reason, profile.state_since = state, reason, now
    if state == AgentState.READY:
        profile.idle_since = now
    profile.save(update_fields=["state", "state_reason", "state_since", "idle_since"])
    publish_on_commit(WALLBOARD_GROUP, "agent.state", agent_id=profile.pk, state=state)
    publish_on_commit(agent_group(profile.pk), "agent.state", agent_id=profile.pk, state=state)


def set_agent_state(*, agent: AgentProfile, state: str, actor: Any, reason: str = "") -> AgentProfile:
    """An agent (or their shift lead) changes state; going ready triggers routing of waiting contacts."""
    if state not in AGENT_SELECTABLE:
        raise AgentStateError("该状态由系统根据通话自动设置", fields={"state": state})
    if state in REASON_REQUIRED and not reason:
        raise AgentStateError("请选择原因码", code="contact.reason_required", fields={"reason": "required"})
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(pk=agent.pk)
        if profile.state == AgentState.ON_CALL and state != AgentState.OFFLINE:
            raise AgentStateError("通话中不能切换状态，请先结束通话")
        before = profile.state
        _change_state(profile, state, reason, timezone.now())
        record(actor=actor, action="contact.agent_state", obj=profile,
               changes={"state": [before, state], "reason": reason})
    if state == AgentState.READY:
        from .routing import route_waiting

        route_waiting(actor=actor)
    return profile
