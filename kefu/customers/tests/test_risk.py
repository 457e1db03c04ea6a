from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.common.testing import ApiClient, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(customers, people):
    r = ApiClient(people["dc_manager"]).post(
        f"/customers/{customers['C0001'].pk}/flag",
        {"category": "fraud_victim", "description": "客户称接到冒充公检法电话，已转账两笔", "txn_id": "T12340",
         "amount_fen": -500000})
    assert r.status_code == 201, r.content
    return r.json()


def test_flagged_case_is_visible_to_risk_department_and_flagger_only(case, people, org_tree, user_factory):
    number = case["number"]
    assert case["subject"] == "transaction"
    assert ApiClient(people["risk"]).get(f"/customers/cases/{number}").status_code == 200
    assert ApiClient(people["dc_manager"]).get(f"/customers/cases/{number}").status_code == 200
    assert AuditEntry.objects.filter(action="customers.case_viewed", actor_id=people["risk"].pk, kind="read").exists()
    colleague = user_factory("dc_colleague", roles=["branch_complaint_manager"], unit=org_tree["BR-DC"])
    outsiders = [people["xc_manager"], people["card_dept"], people["agent"], people["director"], colleague]
    for user in outsiders:
        api = ApiClient(user)
        assert api.get(f"/customers/cases/{number}").status_code in (403, 404), user.username
        if user.has_kefu_perm("customers.risk_case_view"):
            assert api.get(f"/customers/cases/{number}").status_code == 404
            assert all(c["number"] != number for c in api.get("/customers/cases").json())
    # The description never reaches the audit trail (which is readable more widely than the case).
    assert "冒充公检法" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_branch_agent_cannot_read_another_branchs_restricted_case(customers, people):
    # An XC branch user flags their own customer; the DC branch manager must get 404, not 403.
    r = ApiClient(people["xc_manager"]).post(f"/customers/{customers['C0002'].pk}/flag",
                                             {"category": "account_takeover", "description": "异地频繁登录"})
    number = r.json()["number"]
    resp = ApiClient(people["dc_manager"]).get(f"/customers/cases/{number}")
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"
    assert ApiClient(people["risk"]).get(f"/customers/cases/{number}").status_code == 200


def test_risk_department_works_the_case(case, people):
    risk = ApiClient(people["risk"])
    number = case["number"]
    r = risk.post(f"/customers/cases/{number}/transition", {"to": "confirmed"})
    assert r.status_code == 409 and r.json()["code"] == "customers.case_invalid_transition"
    assert risk.post(f"/customers/cases/{number}/transition", {"to": "investigating"}).json()["status"] == \
        "investigating"
    r = risk.post(f"/customers/cases/{number}/transition", {"to": "confirmed", "resolution": "已报送可疑交易报告"})
    assert r.status_code == 200 and r.json()["closed_at"]
    # The flagger may read but not work the case.
    r = ApiClient(people["dc_manager"]).post(f"/customers/cases/{number}/transition", {"to": "cleared"})
    assert r.status_code == 403


def test_case_pages_in_browser(case, people):
    client = page_client(people["risk"])
    r = client.get("/customers/cases/")
    assert r.status_code == 200 and case["number"] in r.content.decode()
    assert client.get(f"/customers/cases/{case['number']}/").status_code == 200
    client = page_client(people["xc_manager"])
    assert client.get(f"/customers/cases/{case['number']}/").status_code == 404
    assert case["number"] not in client.get("/customers/cases/").content.decode()
