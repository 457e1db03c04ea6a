"""The scripted journey of issue 4 ("How it will be checked") through the REST API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.audit.verify import verify_chain
from kefu.common.testing import ApiClient
from kefu.workorders.models import WorkOrder, WorkOrderEvent

START = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0))  # a Monday, Asia/Shanghai


def _ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:500]
    return response.json()


@pytest.mark.django_db
def test_complaint_journey_phone_to_recheck(wo_users, seeded, org_tree):
    u = wo_users
    with time_machine.travel(START, tick=False) as clock:
        agent = ApiClient(u["agent"])
        created = _ok(agent.post("/workorders", {
            "kind": "complaint", "channel": "phone", "title": "网点柜员服务态度差",
            "description": "客户在东城分行营业部办理业务时柜员态度恶劣，要求道歉。", "contact_name": "李四",
            "contact_phone": "13800138001", "severity": "general", "category": "service",
            "business_line": "deposit", "jrt_channel": "A0101", "jrt_reason": "C0101",
            "complained_unit": "BR-DC-01", "accept": True,
        }), 201)
        number = created["number"]
        assert number.startswith("TS20261123")
        assert created["status"] == "accepted" and created["owner"] == u["agent"].username
        # Deadline per the calendar: general complaint 7 working days, regulatory 15 calendar days.
        wo = WorkOrder.objects.get(number=number)
        assert timezone.localtime(wo.regulatory_due_at).date() == (START + timedelta(days=15)).date()
        assert wo.due_at <= wo.regulatory_due_at
        from kefu.calendar.deadlines import compute_deadline

        assert wo.due_at == compute_deadline(received_at=START, unit="working_days", amount=7).deadline
        assert "dispatch" in created["allowed_actions"] and "resolve" not in created["allowed_actions"]

        # Recusal: the outlet complained about cannot handle it.
        refused = agent.post(f"/workorders/{number}/transitions", {"action": "dispatch", "to_unit": "BR-DC-01",
                                                                   "reason": "x"})
        assert refused.status_code == 403 and refused.json()["code"] == "workorder.recusal", refused.content.decode()
        detail = _ok(agent.post(f"/workorders/{number}/transitions",
                                {"action": "dispatch", "to_unit": "BR-DC", "reason": "网点服务问题由分行处理"}))
        assert detail["status"] == "dispatched" and detail["handling_unit"]["code"] == "BR-DC"
        assert detail["handoffs"][-1]["deadline"] is not None

        # Another branch gets 404; the handling branch sees it.
        assert ApiClient(u["xc_manager"]).get(f"/workorders/{number}").status_code == 404
        assert ApiClient(u["xc_manager"]).post(f"/workorders/{number}/transitions",
                                               {"action": "start"}).status_code == 404
        manager = ApiClient(u["dc_manager"])
        listed = _ok(manager.get("/workorders"))
        assert number in [r["number"] for r in listed["results"]]
        assert number not in [r["number"] for r in _ok(ApiClient(u["xc_manager"]).get("/workorders"))["results"]]

        clock.shift(timedelta(hours=2))
        _ok(manager.post(f"/workorders/{number}/transitions", {"action": "start"}))

        # Extension: requested by the branch, approved by the branch head (maker-checker), customer told.
        _ok(manager.post(f"/workorders/{number}/transitions", {"action": "request_extension",
                                                              "reason": "需调取监控录像核实"}))
        self_approve = manager.post(f"/workorders/{number}/transitions", {"action": "approve_extension"})
        assert self_approve.status_code == 403
        head = ApiClient(u["dc_head"])
        extended = _ok(head.post(f"/workorders/{number}/transitions", {"action": "approve_extension"}))
        assert extended["extension_level"] == 1
        wo.refresh_from_db()
        assert timezone.localtime(wo.regulatory_due_at).date() == (START + timedelta(days=30)).date()
        assert any(n["template"] == "workorder.extended" for n in extended["notifications"])

        # Resolve -> branch head's sign-off.
        clock.shift(timedelta(days=1))
        resolved = _ok(manager.post(f"/workorders/{number}/transitions", {
            "action": "resolve", "resolution": "经调阅监控，柜员确有不当言行，已批评教育并向客户致歉。"}))
        assert resolved["status"] == "pending_signoff"
        assert manager.post(f"/workorders/{number}/transitions", {"action": "sign_off"}).status_code == 403
        signed = _ok(head.post(f"/workorders/{number}/transitions", {"action": "sign_off"}))
        assert signed["status"] == "resolved" and signed["signed_off_by"] == u["dc_head"].username

        # Reply (by the center), callback, close.
        replied = _ok(agent.post(f"/workorders/{number}/transitions", {
            "action": "reply", "reply_text": "经核实，柜员确有不当，已批评教育，向您致歉。"}))
        assert replied["status"] == "replied"
        early_close = agent.post(f"/workorders/{number}/transitions", {"action": "close"})
        assert early_close.status_code == 409 and early_close.json()["code"] == "workorder.callback_required"
        bad_callback = agent.post(f"/workorders/{number}/transitions",
                                  {"action": "callback", "satisfaction": 9, "accepted": True})
        assert bad_callback.status_code == 422
        _ok(agent.post(f"/workorders/{number}/transitions", {"action": "callback", "satisfaction": 4,
                                                            "accepted": True}))
        closed = _ok(agent.post(f"/workorders/{number}/transitions", {"action": "close"}))
        assert closed["status"] == "closed"

        # Re-check within 30 days reopens the case at the upper level (the head-office department).
        clock.shift(timedelta(days=10))
        reopened = _ok(agent.post(f"/workorders/{number}/transitions", {"action": "recheck",
                                                                       "reason": "客户对处理结果不满意申请核查"}))
        assert reopened["status"] == "recheck"
        assert reopened["handling_unit"]["code"] == "HO-SVC"
        assert ApiClient(u["svc"]).get(f"/workorders/{number}").status_code == 200

    events = _ok(agent.get(f"/workorders/{number}/events", page_size=200))["results"]
    actions = [e["action"] for e in events]
    for step in ["created", "accept", "dispatch", "start", "request_extension", "approve_extension", "resolve",
                 "sign_off", "reply", "callback", "close", "recheck"]:
        assert step in actions, step
        if step != "created":
            assert AuditEntry.objects.filter(action=f"workorder.{step}", object_id=str(wo.pk)).exists(), step
    assert WorkOrderEvent.objects.filter(workorder=wo, action="customer_notified").count() >= 2
    assert verify_chain().ok


@pytest.mark.django_db
def test_recheck_after_30_days_is_refused(complaint, wo_users):
    from kefu.workorders.services import transition

    agent = wo_users["agent"]
    transition(workorder=complaint, action="answer", actor=agent, answer="已当场解释年费政策并办理减免")
    transition(workorder=complaint, action="callback", actor=agent, satisfaction=5, accepted=True)
    transition(workorder=complaint, action="close", actor=agent)
    with time_machine.travel(timezone.now() + timedelta(days=45)):
        response = ApiClient(agent).post(f"/workorders/{complaint.number}/transitions",
                                         {"action": "recheck", "reason": "不满意"})
    assert response.status_code == 409
    assert response.json()["code"] == "workorder.recheck_window_passed"


@pytest.mark.django_db
@pytest.mark.parametrize("payload,status,code", [
    ({"kind": "complaint"}, 422, "validation_error"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "amount_fen": "abc"}, 422, "validation_error"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "amount_fen": -5}, 422, "validation_error"),
    ({"kind": "bogus", "channel": "phone", "title": "x"}, 422, "workorder.invalid_kind"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "jrt_reason": "C7777"}, 422,
     "workorder.invalid_classification"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "unknown_field": 1}, 422, "validation_error"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "customer_cif_no": "NOPE"}, 422,
     "workorder.unknown_customer"),
    ({"kind": "complaint", "channel": "phone", "title": "x", "description": "CVV2是123"}, 422, "pii.c3_cvv"),
])
def test_bad_create_payloads_get_4xx_with_codes(wo_users, seeded, payload, status, code):
    response = ApiClient(wo_users["agent"]).post("/workorders", payload)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_bad_transition_payloads(complaint, wo_users):
    client = ApiClient(wo_users["agent"])
    url = f"/workorders/{complaint.number}/transitions"
    assert client.post(url, raw="{not json").status_code == 400
    assert client.post(url, [1, 2]).status_code in (400, 422)
    assert client.post(url, {"action": "teleport"}).json()["code"] == "workorder.unknown_action"
    missing = client.post(url, {"action": "answer"})
    assert missing.status_code == 422 and missing.json()["code"] == "workorder.missing_fields"
    assert "answer" in missing.json()["fields"]
    assert client.post(url, {"action": "dispatch", "to_unit": "NOWHERE"}).status_code == 422
    assert client.get("/workorders/TS00000000000000").status_code == 404
    assert client.get("/workorders", overdue="maybe").status_code == 422


@pytest.mark.django_db
def test_no_transition_payload_yields_500(complaint, wo_users):
    from kefu.workorders.workflow import TRANSITIONS

    weird_values = [5, None, [], {"x": 1}, True, "", "x" * 5000]
    client = ApiClient(wo_users["agent"])
    url = f"/workorders/{complaint.number}/transitions"
    for action in TRANSITIONS:
        for value in weird_values:
            fields = dict.fromkeys(["reason", "answer", "resolution", "reply_text", "to_unit", "assignee", "into",
                                    "satisfaction", "accepted", "override_reason", "note"], value)
            response = client.post(url, {"action": action, **fields})
            assert response.status_code < 500, (action, value, response.content[:300])
