from __future__ import annotations

import re

import pytest

from kefu.audit.models import AuditEntry
from kefu.workorders.choices import Status
from kefu.workorders.errors import InvalidWorkOrder
from kefu.workorders.models import Classification, InvolvedAccount, WorkOrderEvent
from kefu.workorders.services import create_workorder


def test_create_complaint_numbers_owner_deadlines_and_audit(complaint, wo_users):
    assert re.fullmatch(r"TS\d{8}\d{6}", complaint.number)
    assert complaint.status == Status.ACCEPTED
    assert complaint.owner == wo_users["agent"]
    assert complaint.regulatory_due_at is not None and complaint.due_at <= complaint.regulatory_due_at
    assert complaint.contact_phone_masked == "138****8000"
    actions = list(WorkOrderEvent.objects.filter(workorder=complaint).values_list("action", flat=True))
    assert actions[0] == "created" and "accept" in actions
    assert AuditEntry.objects.filter(object_id=str(complaint.pk), action="workorder.created").exists()
    from kefu.workorders.notifications import notifications_for

    ack = [n for n in notifications_for(complaint) if n.template_code == "workorder.acknowledged"]
    assert len(ack) == 1 and ack[0].channel == "sms" and complaint.number in ack[0].body
    assert "13800138000" not in ack[0].to_masked


def test_ivr_intake_stays_new_until_an_agent_accepts(wo_users, seeded):
    from kefu.workorders.services import transition

    wo = create_workorder(actor=wo_users["ivr"], kind="complaint", channel="ivr", title="语音留言投诉",
                          description="客户语音留言", contact_phone="13800138002", auto_accept=False)
    assert wo.status == Status.NEW and wo.owner is None
    wo = transition(workorder=wo, action="accept", actor=wo_users["agent2"])
    assert wo.owner == wo_users["agent2"] and wo.status == Status.ACCEPTED


def test_numbers_are_sequential_per_prefix_and_day(wo_users, seeded):
    numbers = [create_workorder(actor=wo_users["agent"], kind="consultation", channel="phone", title=f"咨询{i}",
                                description="").number for i in range(3)]
    seqs = [int(n[-6:]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]
    assert all(n.startswith("ZX") for n in numbers)


def test_c3_data_is_rejected(wo_users, seeded):
    with pytest.raises(InvalidWorkOrder) as exc:
        create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="卡被盗刷",
                         description="客户说密码是123456")
    assert exc.value.code == "pii.c3_pin"


def test_accounts_stored_masked_with_blind_index(wo_users, seeded):
    wo = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="ATM吞卡",
                          description="", accounts=["6222020200112233445", "110012345678"])
    rows = {r.kind: r for r in InvolvedAccount.objects.filter(workorder=wo)}
    assert set(rows) <= {"card", "account"} and len(rows) >= 1
    for row in InvolvedAccount.objects.filter(workorder=wo):
        assert "6222020200112233445" not in row.masked and "110012345678" not in row.masked
        assert len(row.blind_index) == 64


def test_classification_seeded_with_three_dimensions_and_other(seeded):
    for dim in "ABC":
        assert Classification.objects.filter(dimension=dim, level=1, code="99", name="其他").exists()
    assert Classification.objects.filter(dimension="A", name="移动客户端", level=3).exists()
    assert Classification.objects.filter(dimension="B", name="信用卡").exists()


def test_repeat_flagged_and_severity_suggested(wo_users, seeded):
    first = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="信用卡年费扣收",
                             description="年费被扣", contact_phone="13900139000", business_line="credit_card",
                             category="product")
    second = create_workorder(actor=wo_users["agent"], kind="complaint", channel="chat", title="又被扣年费",
                              description="上次投诉的年费问题仍未解决", contact_phone="139 0013 9000",
                              business_line="credit_card", category="product")
    assert second.is_repeat and second.repeat_of_id == first.pk
    assert second.suggested_severity == "major"
    other = create_workorder(actor=wo_users["agent"], kind="complaint", channel="chat", title="网点排队太久",
                             description="", contact_phone="13700137000")
    assert not other.is_repeat


@pytest.mark.parametrize("field,value,code", [
    ("kind", "nonsense", "workorder.invalid_kind"),
    ("channel", "fax", "workorder.invalid_channel"),
    ("amount_fen", -1, "workorder.invalid_amount"),
    ("title", "", "workorder.title_required"),
])
def test_invalid_input_codes(wo_users, seeded, field, value, code):
    kwargs = {"actor": wo_users["agent"], "kind": "complaint", "channel": "phone", "title": "t", "description": ""}
    kwargs[field] = value
    with pytest.raises(InvalidWorkOrder) as exc:
        create_workorder(**kwargs)
    assert exc.value.code == code


def test_rejected_triage_feedback_never_fails_a_committed_intake(wo_users, seeded, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    from kefu.common.errors import ValidationFailed

    def refuse(**kwargs):
        raise ValidationFailed("标签取值不在允许范围内", code="assist.invalid_labels")

    monkeypatch.setattr("kefu.assist.services.record_triage_feedback", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        wo = create_workorder(actor=wo_users["agent"], kind="complaint", channel="phone", title="年费重复扣收",
                              description="客户称年费已减免仍被扣收", contact_phone="13800138000",
                              triage={"kind": "consultation", "business": "credit_card"})
    assert wo.pk and wo.number.startswith("TS")


def test_accepted_intake_records_what_a_separate_accept_would(complaint, wo_users):
    # The accept is made before the row's one INSERT: the timeline, the audit trail, the clocks and the
    # deadlines must still read as registration, acknowledgment, then accept by the agent.
    from kefu.calendar.selectors import clocks_for

    events = list(WorkOrderEvent.objects.filter(workorder=complaint).order_by("created_at", "id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("created", "", "new"), ("customer_notified", "", ""), ("accept", "new", "accepted")]
    assert events[2].data == {"owner": "wo_agent"} and events[2].actor == wo_users["agent"]
    assert complaint.accepted_at == events[2].created_at
    entries = list(AuditEntry.objects.filter(created_at__gte=events[0].created_at).order_by("seq"))
    assert [e.action for e in entries] == ["workorder.created", "calendar.clock_started", "calendar.clock_started",
                                           "notify.queued", "workorder.accept"]
    assert entries[-1].changes["status"] == ["new", "accepted"]
    assert entries[-1].changes["owner_id"] == [None, wo_users["agent"].pk]
    clocks = {c.purpose: c for c in clocks_for(complaint)}
    assert set(clocks) == {"handling", "regulatory"}
    assert clocks["regulatory"].deadline == complaint.regulatory_due_at
    assert min(c.deadline for c in clocks.values()) == complaint.due_at
    assert {c.object_id for c in clocks.values()} == {str(complaint.pk)}
    complaint.refresh_from_db()
    assert (complaint.status, complaint.owner_id, complaint.assignee_id) == (
        Status.ACCEPTED, wo_users["agent"].pk, wo_users["agent"].pk)


def test_intake_accept_refused_leaves_nothing(wo_users, seeded):
    # A refused accept fails the whole intake before anything is inserted (as it did after the insert).
    from kefu.workorders.errors import TransitionForbidden
    from kefu.workorders.models import WorkOrder

    with pytest.raises(TransitionForbidden):
        create_workorder(actor=wo_users["ivr"], kind="complaint", channel="ivr", title="无权受理",
                         description="", auto_accept=True)
    assert not WorkOrder.objects.filter(title="无权受理").exists()
    assert not WorkOrderEvent.objects.filter(action="created", workorder__title="无权受理").exists()


def test_api_create_answers_from_what_it_wrote(wo_users, seeded):
    # The 201 body lists the acknowledgment and the accounts the intake inserted, without reading them back.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.common.testing import ApiClient

    client = ApiClient(wo_users["agent"])
    client.get("/me")  # the token's first use records last_used_at
    body = {"kind": "complaint", "channel": "phone", "title": "年费争议", "contact_phone": "13912345678",
            "accounts": ["6222020200112233"], "accept": True}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/workorders", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert [(n["channel"], n["template"], n["status"]) for n in data["notifications"]] == [
        ("sms", "workorder.acknowledged", "queued")]
    assert data["notifications"][0]["to"] == "139****5678"
    assert data["accounts"] == [{"kind": "account", "masked": "6222****2233"}]
    assert data["status"] == "accepted" and data["owner"] == "wo_agent" and data["due_at"]
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert not [q for q in reads if '"workorders_involvedaccount"' in q or '"notify_notification"' in q], reads
    detail = client.get(f"/workorders/{data['number']}").json()
    assert (detail["notifications"], detail["accounts"]) == (data["notifications"], data["accounts"])
