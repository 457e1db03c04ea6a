from __future__ import annotations

from django.test import Client

from kefu.workorders.models import WorkOrder
from kefu.workorders.services import transition


def _login(user):
    client = Client()
    client.force_login(user)
    return client


def test_intake_form_creates_accepted_workorder(wo_users, seeded):
    client = _login(wo_users["agent"])
    page = client.get("/workorders/new/")
    assert page.status_code == 200 and "受理工单".encode() in page.content
    response = client.post("/workorders/new/", {
        "kind": "complaint", "channel": "phone", "severity": "general", "title": "ATM取款未吐钞",
        "description": "取款500元未出钞但已扣账", "amount_yuan": "500.00", "contact_phone": "13600136000",
        "preferred_reply_channel": "sms", "accounts": "6222020200112233445", "jrt_channel": "A0201",
        "triage_kind": "consultation"})
    assert response.status_code == 302, response.content[:500]
    wo = WorkOrder.objects.get(title="ATM取款未吐钞")
    assert wo.amount_fen == 50000 and wo.owner == wo_users["agent"] and wo.status == "accepted"
    assert wo.jrt_channel.code == "0201"
    bad = client.post("/workorders/new/", {"kind": "complaint", "channel": "phone", "title": "",
                                           "amount_yuan": "1.234"})
    assert bad.status_code == 422


def test_branch_manager_limited_to_branch_channels(wo_users, seeded):
    client = _login(wo_users["dc_manager"])
    page = client.get("/workorders/new/")
    assert page.status_code == 200
    import re

    channel_select = re.search(rb'<select name="channel".*?</select>', page.content, re.S).group(0)
    assert b'value="branch_book"' in channel_select and b'value="phone"' not in channel_select
    forbidden = client.post("/workorders/new/", {"kind": "complaint", "channel": "phone", "title": "x"})
    assert forbidden.status_code == 422


def test_detail_shows_only_allowed_actions_and_acts(complaint, wo_users):
    client = _login(wo_users["agent"])
    page = client.get(f"/workorders/{complaint.number}/")
    assert page.status_code == 200
    assert b'data-action="dispatch"' in page.content and b'data-action="sign_off"' not in page.content
    response = client.post(f"/workorders/{complaint.number}/act/", {"action": "dispatch", "to_unit": "BR-DC",
                                                                     "reason": "分行处理"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "dispatched"
    assert _login(wo_users["xc_manager"]).get(f"/workorders/{complaint.number}/").status_code == 404
    branch_page = _login(wo_users["dc_manager"]).get(f"/workorders/{complaint.number}/")
    assert b'data-action="start"' in branch_page.content


def test_queues_branch_view_and_board(complaint, wo_users):
    agent = _login(wo_users["agent"])
    assert complaint.number.encode() in agent.get("/workorders/?scope=my").content
    assert complaint.number.encode() in agent.get("/workorders/?scope=all&q=年费").content
    assert complaint.number.encode() not in agent.get("/workorders/?scope=all&kind=praise").content
    transition(workorder=complaint, action="dispatch", actor=wo_users["agent"], to_unit="BR-DC")
    transition(workorder=complaint, action="request_extension", actor=wo_users["dc_manager"], reason="复杂")
    assert complaint.number.encode() in _login(wo_users["dc_manager"]).get("/workorders/branch/").content
    board = _login(wo_users["lead"]).get("/workorders/board/")  # the director's MFA is the login's business
    assert board.status_code == 200 and complaint.number.encode() in board.content
    assert _login(wo_users["agent"]).get("/workorders/board/").status_code == 403


def test_triage_suggestions_endpoint(wo_users, seeded, monkeypatch):
    from dataclasses import dataclass

    import kefu.assist.triage as triage_module

    @dataclass
    class Fake:
        kind: str = "complaint"
        category: str = "product"
        severity: str = "major"
        business: str = "credit_card"

    monkeypatch.setattr(triage_module, "is_available", lambda: True)
    monkeypatch.setattr(triage_module, "triage", lambda text: Fake())
    response = _login(wo_users["agent"]).post("/workorders/triage/", {"title": "信用卡年费", "description": "投诉"})
    assert response.status_code == 200
    assert b'data-field="severity" data-value="major"' in response.content
    monkeypatch.setattr(triage_module, "is_available", lambda: False)
    empty = _login(wo_users["agent"]).post("/workorders/triage/", {"title": "x"})
    assert empty.status_code == 200 and b"data-field" not in empty.content


def test_intake_records_triage_correction(wo_users, seeded, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    import kefu.assist.services as assist_services

    monkeypatch.setattr(assist_services, "record_triage_feedback", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        response = _login(wo_users["agent"]).post("/workorders/new/", {
            "kind": "complaint", "channel": "phone", "severity": "general", "title": "转账未到账",
            "preferred_reply_channel": "phone", "triage_kind": "consultation", "triage_severity": "general"})
    assert response.status_code == 302
    assert calls and calls[0]["predicted"]["kind"] == "consultation" and calls[0]["corrected"]["kind"] == "complaint"
