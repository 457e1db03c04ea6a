from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.audit.verify import verify_chain
from kefu.common.errors import InvalidTransition
from kefu.contact import services
from kefu.contact.choices import AgentState, InteractionStatus
from kefu.contact.models import AgentProfile, Interaction

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class VulnerableCustomer:
    is_vulnerable = True
    pk = None


def ready(agent, at):
    with time_machine.travel(at, tick=False):
        services.set_agent_state(agent=agent, state=AgentState.READY, actor=agent.user)


def test_routes_to_longest_idle_ready_agent_with_skill(contact_setup):
    a0, a1, a2 = contact_setup["agents"]
    ready(a1, T0)
    ready(a0, T0 + timedelta(seconds=5))
    with time_machine.travel(T0 + timedelta(seconds=10), tick=False):
        first = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None,
                                           contact_address="13812345678")
    assert first.status == InteractionStatus.ALERTING and first.agent_id == a1.pk
    assert first.contact_masked == "138****5678"
    # Only a2 has the card skill, and a2 is offline: the card call waits.
    with time_machine.travel(T0 + timedelta(seconds=11), tick=False):
        card_call = services.offer_interaction(channel="phone", queue=contact_setup["card"], actor=None)
    assert card_call.status == InteractionStatus.QUEUED
    ready(a2, T0 + timedelta(seconds=12))
    card_call.refresh_from_db()
    assert card_call.agent_id == a2.pk
    assert AgentProfile.objects.get(pk=a2.pk).state == AgentState.ON_CALL


def test_vulnerable_customer_jumps_the_queue(contact_setup):
    a0 = contact_setup["agents"][0]
    with time_machine.travel(T0, tick=False):
        normal = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        elderly = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None,
                                             customer=None, priority=0)
        Interaction.objects.filter(pk=elderly.pk).update(priority=10, vulnerable=True)
    ready(a0, T0 + timedelta(seconds=40))
    elderly.refresh_from_db()
    normal.refresh_from_db()
    assert elderly.agent_id == a0.pk
    assert normal.status == InteractionStatus.QUEUED


def test_full_call_durations_and_agent_states(contact_setup):
    a0 = contact_setup["agents"][0]
    ready(a0, T0)
    with time_machine.travel(T0 + timedelta(seconds=1), tick=False):
        call = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    with time_machine.travel(T0 + timedelta(seconds=9), tick=False):
        services.answer(interaction=call, actor=a0.user)
    with time_machine.travel(T0 + timedelta(seconds=60), tick=False):
        services.hold(interaction=call, actor=a0.user)
    with time_machine.travel(T0 + timedelta(seconds=90), tick=False):
        services.resume(interaction=call, actor=a0.user)
    with time_machine.travel(T0 + timedelta(seconds=189), tick=False):
        services.end_interaction(interaction=call, actor=a0.user)
    assert AgentProfile.objects.get(pk=a0.pk).state == AgentState.AFTER_CALL_WORK
    with time_machine.travel(T0 + timedelta(seconds=219), tick=False):
        services.wrap_up(interaction=call, actor=a0.user, wrap_up_code="resolved", note="已告知挂失流程")
    call.refresh_from_db()
    assert call.status == InteractionStatus.ENDED
    assert (call.wait_seconds, call.hold_seconds, call.talk_seconds, call.acw_seconds) == (8, 30, 150, 30)
    assert call.handle_seconds == 210
    assert call.first_contact_resolved is True
    assert AgentProfile.objects.get(pk=a0.pk).state == AgentState.READY
    kinds = list(call.events.values_list("kind", flat=True))
    assert kinds == ["offered", "queued", "routed", "answered", "held", "resumed", "ended", "wrapped_up"]
    assert verify_chain().ok


def test_abandon_frees_agent_and_illegal_transitions_raise(contact_setup):
    a0 = contact_setup["agents"][0]
    ready(a0, T0)
    call = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    services.abandon(interaction=call)
    call.refresh_from_db()
    assert call.status == InteractionStatus.ABANDONED
    assert AgentProfile.objects.get(pk=a0.pk).state == AgentState.READY
    with pytest.raises(InvalidTransition):
        services.answer(interaction=call, actor=a0.user)


def test_transfer_requeues_to_the_other_skill(contact_setup):
    a0, _, a2 = contact_setup["agents"]
    ready(a0, T0)
    ready(a2, T0 + timedelta(seconds=100))  # a2 has general+card but idled less: a0 gets the first call
    call = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    assert call.agent_id == a0.pk
    services.answer(interaction=call, actor=a0.user)
    services.transfer(interaction=call, to_queue=contact_setup["card"], actor=a0.user)
    call.refresh_from_db()
    assert call.agent_id == a2.pk and call.transfer_count == 1 and call.queue == contact_setup["card"]
    assert AgentProfile.objects.get(pk=a0.pk).state == AgentState.READY


def test_chat_concurrency_limit(contact_setup):
    a0 = contact_setup["agents"][0]
    AgentProfile.objects.filter(pk=a0.pk).update(max_concurrent_chats=2)
    ready(a0, T0)
    chats = [services.offer_interaction(channel="chat", queue=contact_setup["chat"], actor=None) for _ in range(3)]
    statuses = [Interaction.objects.get(pk=c.pk).status for c in chats]
    assert statuses == [InteractionStatus.ALERTING, InteractionStatus.ALERTING, InteractionStatus.QUEUED]


def test_break_needs_reason(contact_setup):
    a0 = contact_setup["agents"][0]
    with pytest.raises(Exception) as exc:
        services.set_agent_state(agent=a0, state=AgentState.BREAK, actor=a0.user)
    assert exc.value.code == "contact.reason_required"
    services.set_agent_state(agent=a0, state=AgentState.BREAK, actor=a0.user, reason="meal")
    assert AgentProfile.objects.get(pk=a0.pk).state_reason == "meal"
