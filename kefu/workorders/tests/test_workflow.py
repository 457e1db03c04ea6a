from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.common.testing import ApiClient, assert_permission_matrix
from kefu.workorders.choices import Status
from kefu.workorders.errors import Recusal, TransitionForbidden, WorkOrderInvalidTransition
from kefu.workorders.models import ExtensionRequest, Handoff, RoutingRule
from kefu.workorders.services import create_workorder, transition
from kefu.workorders.workflow import TRANSITIONS, allowed_actions


def _dispatched(complaint, users, unit="BR-DC"):
    return transition(workorder=complaint, action="dispatch", actor=users["agent"], to_unit=unit, reason="分行处理")


def test_every_transition_has_rules_and_an_effect_or_target():
    from kefu.workorders.effects import EFFECTS

    for action, t in TRANSITIONS.items():
        assert t.sources and t.permissions and str(t.label) and str(t.who_text), action
        assert t.target is not None or action in EFFECTS, action


@pytest.mark.parametrize("action,fields", [
    ("resolve", {"resolution": "x"}), ("sign_off", {}), ("reply", {"reply_text": "x"}), ("close", {}),
    ("archive", {}), ("callback", {"satisfaction": 5, "accepted": True}), ("accept", {}),
])
def test_illegal_transitions_from_accepted_raise_409(complaint, wo_users, action, fields):
    actor = wo_users["director"] if action == "archive" else wo_users["agent"]
    with pytest.raises(WorkOrderInvalidTransition) as exc:
        transition(workorder=complaint, action=action, actor=actor, **fields)
    assert exc.value.status == 409
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED


def test_illegal_transition_via_api_is_409(complaint, wo_users):
    response = ApiClient(wo_users["agent"]).post(f"/workorders/{complaint.number}/transitions", {"action": "close"})
    assert response.status_code == 409
    assert response.json()["code"] == "workorder.invalid_transition"


def test_ui_actions_are_only_the_allowed_ones(complaint, wo_users):
    agent_actions = {t.action for t in allowed_actions(complaint, wo_users["agent"])}
    assert {"dispatch", "answer", "withdraw"} <= agent_actions
    assert "sign_off" not in agent_actions and "resolve" not in agent_actions
    assert allowed_actions(complaint, wo_users["auditor"]) == []
    _dispatched(complaint, wo_users)
    assert "start" in {t.action for t in allowed_actions(complaint, wo_users["dc_manager"])}
    assert "start" not in {t.action for t in allowed_actions(complaint, wo_users["xc_manager"])}


def test_recusal_excludes_named_staff_and_outlet(wo_users, seeded, org_tree):
    wo = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="客户经理误导销售",
                          description="", complained_staff=wo_users["dc_manager"].username, auto_accept=True)
    _dispatched(wo, wo_users)
    with pytest.raises(Recusal):
        transition(workorder=wo, action="start", actor=wo_users["dc_manager"])
    wo2 = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="网点排队",
                           description="", complained_unit="BR-DC-01", auto_accept=True)
    with pytest.raises(Recusal):
        transition(workorder=wo2, action="dispatch", actor=wo_users["agent"], to_unit="BR-DC-01")


def test_routing_rule_round_robin_and_override_reason(wo_users, seeded, org_tree, user_factory):
    second = user_factory("wo_dc_manager2", roles=["branch_complaint_manager"], unit=org_tree["BR-DC"])
    RoutingRule.objects.create(priority=10, kind="complaint", business_line="credit_card",
                               target_unit=org_tree["HO-CARD"])
    RoutingRule.objects.create(priority=50, kind="complaint", target_unit=org_tree["BR-DC"])
    picked = []
    for i in range(3):
        wo = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title=f"存款问题{i}",
                              description="", business_line="deposit", auto_accept=True,
                              contact_phone=f"1380000000{i}")
        wo = transition(workorder=wo, action="dispatch", actor=wo_users["agent"])
        assert wo.handling_unit.code == "BR-DC"
        picked.append(wo.assignee_id)
    assert picked[0] != picked[1] and picked[0] == picked[2]
    assert set(picked) == {wo_users["dc_manager"].pk, second.pk}
    card = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="信用卡额度",
                            description="", business_line="credit_card", auto_accept=True)
    from kefu.workorders.errors import MissingFields

    with pytest.raises(MissingFields) as exc:
        transition(workorder=card, action="dispatch", actor=wo_users["agent"], to_unit="BR-XC")
    assert "override_reason" in exc.value.fields
    card = transition(workorder=card, action="dispatch", actor=wo_users["agent"], to_unit="BR-XC",
                      override_reason="客户要求由开户分行处理")
    assert Handoff.objects.get(workorder=card).override_reason


def test_escalation_to_service_management(complaint, wo_users):
    _dispatched(complaint, wo_users)
    transition(workorder=complaint, action="start", actor=wo_users["dc_manager"])
    wo = transition(workorder=complaint, action="escalate", actor=wo_users["dc_manager"], reason="超出分行权限")
    assert wo.status == Status.ESCALATED and wo.handling_unit.is_service_management
    wo = transition(workorder=wo, action="start", actor=wo_users["svc"])
    wo = transition(workorder=wo, action="resolve", actor=wo_users["svc"], resolution="总行已协调退费")
    assert wo.status == Status.RESOLVED  # head-office handling needs no branch sign-off


def test_extension_maker_checker_and_limit(complaint, wo_users):
    _dispatched(complaint, wo_users)
    manager, head, director = wo_users["dc_manager"], wo_users["dc_head"], wo_users["director"]
    transition(workorder=complaint, action="request_extension", actor=manager, reason="复杂")
    with pytest.raises(TransitionForbidden):
        transition(workorder=complaint, action="approve_extension", actor=manager)
    wo = transition(workorder=complaint, action="approve_extension", actor=head)
    assert wo.extension_level == 1
    transition(workorder=wo, action="request_extension", actor=manager, reason="特别复杂")
    wo = transition(workorder=wo, action="approve_extension", actor=director)
    assert wo.extension_level == 2
    days = (timezone.localtime(wo.regulatory_due_at).date() - timezone.localtime(wo.received_at).date()).days
    assert days == 60
    from kefu.common.errors import Conflict

    with pytest.raises(Conflict):
        transition(workorder=wo, action="request_extension", actor=manager, reason="再延")
    assert ExtensionRequest.objects.filter(workorder=wo, status="approved").count() == 2


def test_wait_for_customer_pauses_and_resumes(complaint, wo_users):
    _dispatched(complaint, wo_users)
    transition(workorder=complaint, action="start", actor=wo_users["dc_manager"])
    before = complaint.due_at
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        transition(workorder=complaint, action="wait_customer", actor=wo_users["dc_manager"], reason="待客户提供凭证")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        wo = transition(workorder=complaint, action="customer_responded", actor=wo_users["dc_manager"])
    assert wo.status == Status.IN_PROGRESS
    assert wo.due_at > before  # the paused days do not count


def test_callback_unreachable_after_three_attempts(complaint, wo_users):
    agent = wo_users["agent"]
    transition(workorder=complaint, action="answer", actor=agent, answer="已解释")
    for _ in range(2):
        wo = transition(workorder=complaint, action="callback_failed", actor=agent)
        assert wo.status == Status.ANSWERED
    wo = transition(workorder=complaint, action="callback_failed", actor=agent)
    assert wo.status == Status.CALLED_BACK and wo.callback_unreachable
    assert transition(workorder=wo, action="close", actor=agent).status == Status.CLOSED


def test_withdraw_and_consultation_answered_on_the_spot_archived(wo_users, seeded):
    agent = wo_users["agent"]
    consult = create_workorder(actor=agent, kind="consultation", channel="phone", title="咨询网点营业时间",
                               description="", auto_accept=True)
    transition(workorder=consult, action="answer", actor=agent, answer="工作日9:00-17:00")
    transition(workorder=consult, action="close", actor=agent)
    wo = transition(workorder=consult, action="archive", actor=wo_users["clerk"])
    assert wo.status == Status.ARCHIVED and wo.archived_at
    complaint = create_workorder(actor=agent, kind="complaint", channel="phone", title="x", description="",
                                 auto_accept=True)
    wo = transition(workorder=complaint, action="withdraw", actor=agent, reason="客户来电撤诉")
    assert wo.status == Status.WITHDRAWN
    assert timezone.localtime(wo.withdrawn_at).date() == timezone.localdate()


def test_merge_keeps_both_histories(wo_users, seeded):
    agent, lead = wo_users["agent"], wo_users["lead"]
    a = create_workorder(actor=agent, kind="complaint", channel="phone", title="转账未到账", description="",
                         auto_accept=True)
    b = create_workorder(actor=agent, kind="complaint", channel="chat", title="转账未到账（重复）", description="",
                         auto_accept=True)
    merged = transition(workorder=b, action="merge", actor=lead, into=a.number)
    assert merged.status == Status.MERGED and merged.merged_into_id == a.pk
    assert b.events.filter(action="created").exists() and a.events.filter(action="merged_from").exists()


def test_permission_matrix_create(wo_users, seeded, org_tree):
    payload = {"kind": "complaint", "channel": "phone", "title": "权限矩阵", "description": ""}
    assert_permission_matrix(
        lambda client, role: client.post("/workorders", payload),
        {"agent": 201, "shift_lead": 201, "center_director": 201, "clerk": 201},
        unit_for_role=lambda role: org_tree["CC"])


def test_permission_matrix_detail(complaint, org_tree):
    def unit_for(role):
        return org_tree["BR-XC"] if role.startswith("branch") or role == "department_handler" else org_tree["CC"]

    assert_permission_matrix(
        lambda client, role: client.get(f"/workorders/{complaint.number}"),
        {"agent": 200, "shift_lead": 200, "center_director": 200, "clerk": 200, "compliance_auditor": 200,
         "admin": 200, "system_maintainer": 200},
        unit_for_role=unit_for)


def test_auditor_cannot_write(complaint, wo_users):
    response = ApiClient(wo_users["auditor"]).post(f"/workorders/{complaint.number}/transitions",
                                                   {"action": "dispatch", "to_unit": "BR-DC"})
    assert response.status_code == 403


def test_allowed_actions_are_exactly_the_moves_check_lets_through(complaint, wo_users):
    # allowed_actions decides without raising; it must agree with check() for every user and status.
    from kefu.workorders.workflow import check

    dispatched = _dispatched(complaint, wo_users)
    for wo in (dispatched, transition(workorder=dispatched, action="start", actor=wo_users["dc_manager"])):
        for user in [*wo_users.values(), None]:
            passes = set()
            for action, t in TRANSITIONS.items():
                try:
                    check(t, wo, user)
                except (WorkOrderInvalidTransition, TransitionForbidden, Recusal):
                    continue
                passes.add(action)
            assert {t.action for t in allowed_actions(wo, user)} == passes, (wo.status, user)
