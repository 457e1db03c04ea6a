from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.common.testing import ApiClient, assert_permission_matrix, page_client
from kefu.customers.models import Customer, VerificationAttempt

pytestmark = pytest.mark.django_db


def test_lookup_by_phone_returns_masked_candidates(customers, people):
    api = ApiClient(people["agent"])
    r = api.get("/customers/lookup", phone="139 1234 5678")
    assert r.status_code == 200, r.content
    [cand] = r.json()
    assert cand["cif_no"] == "C0001"
    assert cand["name"] == "王*国" and cand["mobile"] == "139****5678"
    assert "13912345678" not in r.content.decode() and "王建国" not in r.content.decode()
    assert cand["is_vulnerable"] is True
    assert cand["url"] == f"/customers/{cand['id']}/"
    entry = AuditEntry.objects.filter(action="customers.lookup").last()
    assert entry.kind == "read" and "13912345678" not in str(entry.changes)


def test_lookup_by_card_and_id_and_bad_input(customers, people, fake_bank):
    api = ApiClient(people["agent"])
    card = fake_bank.cards["C0002"][0].card_no
    assert [c["cif_no"] for c in api.get("/customers/lookup", card_no=card).json()] == ["C0002"]
    assert [c["cif_no"] for c in api.get("/customers/lookup", id_number="110101198506152348").json()] == ["C0002"]
    r = api.get("/customers/lookup")
    assert r.status_code == 400 and r.json()["code"] == "customers.lookup_key_required"
    assert api.get("/customers/lookup", phone="not-a-number").json() == []


def test_lookup_unknown_caller_syncs_from_core(org_tree, fake_bank, people):
    from kefu.customers.tests.fakes import make_core_customer

    fake_bank.add(make_core_customer("C0009", name="赵六", id_number="110101198003070014", mobile="13355556666"),
                  account_no="6217000010009999", card_no="6222020200000000009")
    r = ApiClient(people["agent"]).get("/customers/lookup", phone="13355556666")
    assert [c["cif_no"] for c in r.json()] == ["C0009"]
    assert Customer.objects.filter(cif_no="C0009").exists()


def test_branch_staff_see_only_their_subtree(customers, people):
    c1 = customers["C0001"]  # home unit in BR-DC
    xc = ApiClient(people["xc_manager"])
    assert xc.get(f"/customers/{c1.pk}").status_code == 404
    assert xc.get("/customers/lookup", phone="13912345678").json() == []
    dc = ApiClient(people["dc_manager"])
    assert dc.get(f"/customers/{c1.pk}").status_code == 200
    listed = {c["cif_no"] for c in dc.get("/customers").json()["results"]}
    assert listed == {"C0001"}


def test_every_360_view_leaves_a_read_audit_entry(customers, people):
    c = customers["C0001"]
    before = AuditEntry.objects.filter(action="customers.viewed_360", object_id=str(c.pk)).count()
    ApiClient(people["agent"]).get(f"/customers/{c.pk}")
    client = page_client(people["agent"])
    r = client.get(f"/customers/{c.pk}/")
    assert r.status_code == 200
    assert "王*国" in r.content.decode() and "王建国" not in r.content.decode()
    entries = AuditEntry.objects.filter(action="customers.viewed_360", object_id=str(c.pk))
    assert entries.count() == before + 2
    assert set(entries.values_list("kind", flat=True)) == {"read"}
    assert {e.changes["channel"] for e in entries} == {"api", "web"}


def test_unmask_needs_permission_and_reason_and_is_audited(customers, people):
    c = customers["C0001"]
    r = ApiClient(people["agent"]).post(f"/customers/{c.pk}/unmask", {"field": "id_number", "reason": "客户要求核对"})
    assert r.status_code == 403 and r.json()["code"] == "pii.unmask_forbidden"
    denied = AuditEntry.objects.filter(action="pii.unmask_denied", object_id=str(c.pk))
    assert denied.filter(actor_id=people["agent"].pk).exists()
    director = ApiClient(people["director"])
    r = director.post(f"/customers/{c.pk}/unmask", {"field": "id_number", "reason": ""})
    assert r.status_code == 422 and r.json()["code"] == "pii.reason_required"
    r = director.post(f"/customers/{c.pk}/unmask", {"field": "id_number", "reason": "投诉核实身份信息"})
    assert r.status_code == 200 and r.json()["value"] == "11010519491231002X"
    entry = AuditEntry.objects.filter(action="pii.unmask", object_id=str(c.pk)).last()
    assert entry.actor_id == people["director"].pk and entry.reason == "投诉核实身份信息"
    assert entry.kind == "read"
    r = director.post(f"/customers/{c.pk}/unmask", {"field": "cif_secret", "reason": "投诉核实身份信息"})
    assert r.status_code == 422


def test_unmask_during_a_call_needs_verification(customers, people):
    c = customers["C0001"]
    director = ApiClient(people["director"])
    r = director.post(f"/customers/{c.pk}/unmask", {"field": "mobile", "reason": "来电核实", "interaction": "CALL-9"})
    assert r.status_code == 403 and r.json()["code"] == "customers.verification_required"
    director.post(f"/customers/{c.pk}/verify", {"interaction": "CALL-9",
                                                "answers": {"id_last6": "31002x", "birth_date": "1949-12-31"}})
    r = director.post(f"/customers/{c.pk}/unmask", {"field": "mobile", "reason": "来电核实", "interaction": "CALL-9"})
    assert r.status_code == 200 and r.json()["value"] == "13912345678"


def test_verification_unlocks_transactions_for_that_interaction_only(customers, people):
    c = customers["C0001"]
    api = ApiClient(people["agent"])
    view = api.get(f"/customers/{c.pk}", interaction="CALL-1").json()
    assert view["verified"] is False and view["transactions"] is None
    assert view["accounts"][0]["balance_fen"] is None
    r = api.post(f"/customers/{c.pk}/verify", {"interaction": "CALL-1", "answers": {"id_last6": "31002X"}})
    assert r.status_code == 422 and r.json()["code"] == "customers.two_factors_required"
    r = api.post(f"/customers/{c.pk}/verify",
                 {"interaction": "CALL-1", "answers": {"id_last6": "31002X", "birth_date": "19491231"}})
    assert r.status_code == 200 and r.json()["verified"] is True
    view = api.get(f"/customers/{c.pk}", interaction="CALL-1").json()
    assert view["verified"] is True and len(view["transactions"]) == 3
    assert view["accounts"][0]["balance_fen"] == 123456
    assert api.get(f"/customers/{c.pk}", interaction="CALL-2").json()["transactions"] is None
    # Another agent in the same interaction has not verified anyone.
    assert ApiClient(people["agent2"]).get(f"/customers/{c.pk}", interaction="CALL-1").json()["verified"] is False
    # The answers themselves are never stored.
    assert "31002X" not in str(list(VerificationAttempt.objects.values()))
    assert "31002X" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_verification_attempts_are_limited(customers, people):
    c = customers["C0001"]
    api = ApiClient(people["agent"])
    wrong = {"interaction": "CALL-3", "answers": {"id_last6": "000000", "birth_date": "1949-12-31"}}
    outcomes = [api.post(f"/customers/{c.pk}/verify", wrong).json().get("outcome") for _ in range(3)]
    assert outcomes == ["failed", "failed", "failed"]
    right = {"interaction": "CALL-3", "answers": {"id_last6": "31002X", "birth_date": "1949-12-31"}}
    r = api.post(f"/customers/{c.pk}/verify", right)
    assert r.status_code == 429 and r.json()["code"] == "customers.verification_locked"
    assert VerificationAttempt.objects.filter(customer=c, outcome="locked").count() == 1
    assert AuditEntry.objects.filter(action="customers.verification_locked").exists()


def test_360_survives_core_bank_outage(customers, people, fake_bank):
    fake_bank.unavailable = True
    r = ApiClient(people["agent"]).get(f"/customers/{customers['C0001'].pk}")
    assert r.status_code == 200
    assert r.json()["core_bank_error"] == "corebank.unavailable" and r.json()["accounts"] == []


def test_create_and_change_flow_over_api(org_tree, people):
    agent, lead = ApiClient(people["agent"]), ApiClient(people["lead"])
    r = agent.post("/customers", {"purpose": "complaint", "name": "钱七", "mobile": "13700001111",
                                  "home_unit_code": "BR-DC-02"})
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    bad = agent.post("/customers", {"purpose": "complaint", "name": "钱七", "mobile": "1370000"})
    assert bad.status_code == 422 and bad.json()["fields"] == {"mobile": "invalid"}
    r = agent.post(f"/customers/{cid}/changes", {"field": "sms_phone", "new_value": "13700002222",
                                                 "reason": "客户更换号码", "evidence": "录音R-1"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    change_id = r.json()["id"]
    assert [c["id"] for c in lead.get("/customers/changes/pending").json()] == [change_id]
    assert agent.post(f"/customers/changes/{change_id}/approve", {}).status_code == 403
    r = lead.post(f"/customers/changes/{change_id}/approve", {"note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "applied"
    assert agent.get("/customers/lookup", phone="13700002222").json()[0]["id"] == cid


def test_permission_matrix_lookup_and_detail(customers, org_tree):
    c = customers["C0001"]
    center = {"agent", "shift_lead", "center_director", "clerk", "system_maintainer", "admin",
              "compliance_auditor"}

    def unit_for(role):
        return org_tree["BR-DC"] if role.startswith("branch") else org_tree["CC"]

    assert_permission_matrix(
        lambda api, role: api.get("/customers/lookup", phone="13912345678"),
        {"agent": 200, "shift_lead": 200, "center_director": 200, "clerk": 200, "branch_complaint_manager": 200},
        unit_for_role=unit_for)
    assert_permission_matrix(
        lambda api, role: api.get(f"/customers/{c.pk}"),
        dict.fromkeys(center - {"system_maintainer"}, 200) | {"branch_complaint_manager": 200, "branch_head": 200},
        unit_for_role=unit_for)
    assert_permission_matrix(
        lambda api, role: api.post(f"/customers/{c.pk}/notes", {"body": "客户来电咨询理财"}),
        {"agent": 201, "shift_lead": 201, "center_director": 201, "clerk": 201, "branch_complaint_manager": 201},
        unit_for_role=unit_for)


def test_360_shows_interactions_from_other_channels(customers, people):
    from kefu.contact.models import Interaction

    c = customers["C0001"]
    Interaction.objects.create(channel="chat", customer=c, subject="咨询手机银行登录 13912345678")
    Interaction.objects.create(channel="chat", customer=customers["C0002"], subject="别人的会话")
    view = ApiClient(people["agent"]).get(f"/customers/{c.pk}").json()
    assert view["interactions"]["available"] is True
    [item] = [i for i in view["interactions"]["items"] if i["kind"] == "contact"]
    assert item["summary"] == "咨询手机银行登录 139****5678"
