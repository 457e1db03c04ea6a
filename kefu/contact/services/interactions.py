"""The interaction lifecycle as one state machine; every step writes an InteractionEvent and an audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record
from kefu.common.errors import ValidationFailed
from kefu.pii.crypto import blind_index
from kefu.pii.masking import mask_email, mask_mobile

from ..choices import AgentState, ContactChannel, EventKind, InteractionStatus
from ..errors import InteractionTransitionError
from ..models import AgentProfile, Interaction, InteractionEvent, InteractionWorkOrder, Queue, WrapUpCode
from ..signals import interaction_finished, satisfaction_recorded
from .live import WALLBOARD_GROUP, agent_group, interaction_group, publish_on_commit

S = InteractionStatus
TRANSITIONS: dict[str, set[str]] = {
    # OFFERED -> ENDED: contained by self-service (the chat bot) without reaching an agent.
    S.OFFERED: {S.QUEUED, S.ANSWERED, S.ABANDONED, S.ENDED},
    S.QUEUED: {S.ALERTING, S.ABANDONED},
    S.ALERTING: {S.ANSWERED, S.QUEUED, S.ABANDONED},
    S.ANSWERED: {S.HELD, S.WRAP_UP, S.QUEUED},
    S.HELD: {S.ANSWERED, S.WRAP_UP, S.QUEUED},
    S.WRAP_UP: {S.ENDED},
    S.ENDED: set(),
    S.ABANDONED: set(),
}
VULNERABLE_PRIORITY_BOOST = 10


def _transition(interaction: Interaction, to: str, *, actor: Any, event: str, now, **data: Any) -> None:
    if to not in TRANSITIONS[interaction.status]:
        raise InteractionTransitionError(
            f"联络状态“{interaction.get_status_display()}”不能变为“{S(to).label}”",
            fields={"from": interaction.status, "to": to})
    before = interaction.status
    interaction.status = to
    InteractionEvent.objects.create(interaction=interaction, kind=event, at=now, agent=interaction.agent,
                                    queue=interaction.queue, data=data)
    record(actor=actor, action=f"contact.interaction_{event}", obj=interaction,
           changes={"status": [before, to], **data})
    publish_on_commit(WALLBOARD_GROUP, "interaction.changed", interaction_id=interaction.pk, status=to,
                      queue_id=interaction.queue_id)
    publish_on_commit(interaction_group(interaction.pk), "interaction.changed", interaction_id=interaction.pk,
                      status=to)


def _lock(interaction: Interaction) -> Interaction:
    return Interaction.objects.select_for_update().get(pk=interaction.pk)


def _mask_address(channel: str, address: str) -> tuple[str, str]:
    if not address:
        return "", ""
    if channel == ContactChannel.EMAIL:
        return mask_email(address), blind_index("email", address.lower())
    if channel in (ContactChannel.PHONE, ContactChannel.VIDEO):
        return mask_mobile(address), blind_index("mobile", address)
    return address[:6] + "…", ""


def offer_interaction(*, channel: str, queue: Queue, actor: Any, customer: Any = None, contact_address: str = "",
                      priority: int = 0, ivr_call_id: str = "", ivr_context: dict | None = None, subject: str = "",
                      direction: str = "inbound", queue_now: bool = True, meta: dict | None = None) -> Interaction:
    """A contact arrives (from the IVR, the chat widget, the mail gateway): record it and queue it.

    ``queue_now=False`` keeps it with self-service (the chat bot) until :func:`enqueue` hands it over.
    """
    if channel not in ContactChannel.values:
        raise ValidationFailed("不支持的渠道", code="contact.bad_channel", fields={"channel": channel})
    vulnerable = bool(getattr(customer, "is_vulnerable", False))
    masked, index = _mask_address(channel, contact_address)
    now = timezone.now()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=channel, direction=direction, customer=customer, contact_address=contact_address,
            contact_masked=masked, contact_index=index, queue=queue, subject=subject[:200],
            priority=priority + (VULNERABLE_PRIORITY_BOOST if vulnerable else 0), vulnerable=vulnerable,
            ivr_call_id=ivr_call_id, ivr_context=ivr_context or {}, offered_at=now, meta=meta or {},
        )
        InteractionEvent.objects.create(interaction=interaction, kind=EventKind.OFFERED, at=now, queue=queue)
        record(actor=actor, action="contact.interaction_offered", obj=interaction,
               changes={"channel": channel, "queue": queue.code, "contact": masked, "vulnerable": vulnerable})
    if queue_now:
        return enqueue(interaction=interaction, actor=actor)
    return interaction


def enqueue(*, interaction: Interaction, actor: Any, queue: Queue | None = None) -> Interaction:
    """Put an offered contact in its queue (hand-over from self-service) and route it."""
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        if queue is not None:
            interaction.queue = queue
        interaction.queued_at = now
        _transition(interaction, S.QUEUED, actor=actor, event=EventKind.QUEUED, now=now,
                    queue=interaction.queue.code)
        interaction.save(update_fields=["queue", "queued_at", "status"])
    from .routing import route_waiting

    route_waiting(actor=actor)
    interaction.refresh_from_db()
    return interaction


def end_in_self_service(*, interaction: Interaction, actor: Any) -> Interaction:
    """The customer leaves after the bot answered: contained, never offered to an agent queue."""
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _transition(interaction, S.ENDED, actor=actor, event=EventKind.ENDED, now=now, contained=True)
        interaction.ended_at = now
        interaction.save(update_fields=["status", "ended_at"])
    return interaction


def answer(*, interaction: Interaction, actor: Any) -> Interaction:
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _transition(interaction, S.ANSWERED, actor=actor, event=EventKind.ANSWERED, now=now)
        interaction.answered_at = interaction.answered_at or now
        if interaction.queued_at:
            interaction.wait_seconds = max(int((now - interaction.queued_at).total_seconds()), 0)
        interaction.save(update_fields=["status", "answered_at", "wait_seconds"])
    return interaction


def hold(*, interaction: Interaction, actor: Any) -> Interaction:
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _transition(interaction, S.HELD, actor=actor, event=EventKind.HELD, now=now)
        interaction.held_since = now
        interaction.save(update_fields=["status", "held_since"])
    return interaction


def _close_hold(interaction: Interaction, now) -> None:
    if interaction.held_since:
        interaction.hold_seconds += max(int((now - interaction.held_since).total_seconds()), 0)
        interaction.held_since = None


def resume(*, interaction: Interaction, actor: Any) -> Interaction:
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _transition(interaction, S.ANSWERED, actor=actor, event=EventKind.RESUMED, now=now)
        _close_hold(interaction, now)
        interaction.save(update_fields=["status", "held_since", "hold_seconds"])
    return interaction


def _talk_until(interaction: Interaction, now) -> int:
    if not interaction.answered_at:
        return 0
    total = int((now - interaction.answered_at).total_seconds())
    return max(total - interaction.hold_seconds, 0)


def _agent_active_count(agent_id: int, exclude_id: int) -> int:
    return Interaction.objects.filter(agent_id=agent_id, status__in=[S.ALERTING, S.ANSWERED, S.HELD]).exclude(
        pk=exclude_id).count()


def _set_agent(agent_id: int, state: str, now) -> None:
    from .agents import _change_state

    profile = AgentProfile.objects.select_for_update().get(pk=agent_id)
    if profile.state != state:
        _change_state(profile, state, "", now)


def end_interaction(*, interaction: Interaction, actor: Any) -> Interaction:
    """The customer or agent hangs up / closes the chat: talk ends, after-call work begins."""
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _close_hold(interaction, now)
        _transition(interaction, S.WRAP_UP, actor=actor, event=EventKind.ENDED, now=now)
        interaction.ended_at = now
        interaction.talk_seconds = _talk_until(interaction, now)
        interaction.save(update_fields=["status", "ended_at", "talk_seconds", "hold_seconds", "held_since"])
        if interaction.agent_id and not _agent_active_count(interaction.agent_id, interaction.pk):
            _set_agent(interaction.agent_id, AgentState.AFTER_CALL_WORK, now)
    return interaction


def wrap_up(*, interaction: Interaction, actor: Any, wrap_up_code: str, note: str = "",
            first_contact_resolved: bool | None = None) -> Interaction:
    from kefu.pii.validators import reject_c3

    reject_c3(note)
    code = WrapUpCode.objects.filter(code=wrap_up_code, active=True).first()
    if code is None:
        raise ValidationFailed("请选择有效的小结代码", code="contact.bad_wrap_up_code", fields={"wrap_up_code": wrap_up_code})
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _transition(interaction, S.ENDED, actor=actor, event=EventKind.WRAPPED_UP, now=now, wrap_up_code=code.code)
        interaction.wrap_up_code = code
        interaction.disposition_note = note
        interaction.wrapped_up_at = now
        interaction.first_contact_resolved = code.resolved if first_contact_resolved is None else first_contact_resolved
        if interaction.ended_at:
            interaction.acw_seconds = max(int((now - interaction.ended_at).total_seconds()), 0)
        interaction.save(update_fields=["status", "wrap_up_code", "disposition_note", "wrapped_up_at",
                                        "first_contact_resolved", "acw_seconds"])
        interaction_finished.send(sender=Interaction, interaction=interaction)
        agent_id = interaction.agent_id
        if agent_id and not _agent_active_count(agent_id, interaction.pk):
            _set_agent(agent_id, AgentState.READY, now)
    from .routing import route_waiting

    route_waiting(actor=actor)
    return interaction


def abandon(*, interaction: Interaction, actor: Any = None) -> Interaction:
    """The customer hangs up or leaves before an agent answers."""
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        agent_id = interaction.agent_id if interaction.status == S.ALERTING else None
        _transition(interaction, S.ABANDONED, actor=actor, event=EventKind.ABANDONED, now=now)
        interaction.ended_at = now
        if interaction.queued_at:
            interaction.wait_seconds = max(int((now - interaction.queued_at).total_seconds()), 0)
        interaction.save(update_fields=["status", "ended_at", "wait_seconds"])
        interaction_finished.send(sender=Interaction, interaction=interaction)
        if agent_id and not _agent_active_count(agent_id, interaction.pk):
            _set_agent(agent_id, AgentState.READY, now)
    return interaction


def transfer(*, interaction: Interaction, to_queue: Queue, actor: Any, note: str = "") -> Interaction:
    """Blind transfer to another queue: the first agent is freed, the contact waits in the new queue."""
    now = timezone.now()
    with transaction.atomic():
        interaction = _lock(interaction)
        _close_hold(interaction, now)
        previous_agent = interaction.agent_id
        talk = _talk_until(interaction, now)
        _transition(interaction, S.QUEUED, actor=actor, event=EventKind.TRANSFERRED, now=now,
                    to_queue=to_queue.code, note=note[:200], talk_seconds=talk)
        interaction.talk_seconds += talk
        interaction.transfer_count += 1
        interaction.queue = to_queue
        interaction.agent = None
        interaction.answered_at = None
        interaction.queued_at = now
        interaction.save()
        if previous_agent and not _agent_active_count(previous_agent, interaction.pk):
            _set_agent(previous_agent, AgentState.READY, now)
    from .routing import route_waiting

    route_waiting(actor=actor)
    interaction.refresh_from_db()
    return interaction


def record_satisfaction(*, interaction: Interaction, actor: Any, csat: int | None = None,
                        nps: int | None = None) -> Interaction:
    """Post-contact survey result (IVR survey, chat rating or SMS survey): CSAT 1-5, NPS 0-10."""
    if csat is not None and not 1 <= csat <= 5:
        raise ValidationFailed("满意度须为1-5", code="contact.bad_csat", fields={"csat": csat})
    if nps is not None and not 0 <= nps <= 10:
        raise ValidationFailed("推荐度须为0-10", code="contact.bad_nps", fields={"nps": nps})
    with transaction.atomic():
        interaction = _lock(interaction)
        if interaction.csat is not None or interaction.nps is not None:
            raise InteractionTransitionError("该联络已记录满意度", code="contact.survey_done")
        interaction.csat, interaction.nps = csat, nps
        interaction.save(update_fields=["csat", "nps"])
        record(actor=actor, action="contact.satisfaction_recorded", obj=interaction, changes={"csat": csat, "nps": nps})
        satisfaction_recorded.send(sender=Interaction, interaction=interaction)
    return interaction


def link_workorder(*, interaction: Interaction, workorder_number: str, actor: Any) -> InteractionWorkOrder:
    with transaction.atomic():
        link, created = InteractionWorkOrder.objects.get_or_create(interaction=interaction,
                                                                   workorder_number=workorder_number)
        if created:
            record(actor=actor, action="contact.workorder_linked", obj=interaction,
                   changes={"workorder": workorder_number})
    return link


def notify_agent_of_offer(interaction: Interaction) -> None:
    if interaction.agent_id:
        publish_on_commit(agent_group(interaction.agent_id), "interaction.offered", interaction_id=interaction.pk,
                          channel=interaction.channel, customer_id=interaction.customer_id,
                          ivr_call_id=interaction.ivr_call_id)
