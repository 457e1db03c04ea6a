from __future__ import annotations

from datetime import date

import pytest

from kefu.common.testing import ApiClient
from kefu.customers import services
from kefu.customers.errors import ConsentMissing, MakerCheckerViolation
from kefu.customers.models import Customer, DataSharingAccess

pytestmark = pytest.mark.django_db


def test_third_party_sharing_needs_consent_approval_and_logs_access(customers, people, user_factory, org_tree):
    c = customers["C0001"]
    approver = user_factory("c_admin", roles=["admin"], unit=org_tree["HO-IT"])
    req = services.request_sharing(customer=c, actor=people["director"], recipient_kind="third_party",
                                   recipient_name="某保险公司", purpose="理赔核实", fields=["name", "mobile"], days=7)
    with pytest.raises(MakerCheckerViolation):
        services.approve_sharing(sharing_request=req, actor=people["director"])
    with pytest.raises(ConsentMissing):
        services.approve_sharing(sharing_request=req, actor=approver)
    consent = services.record_consent(customer=c, purpose="data_sharing", channel="branch", actor=people["agent"])
    services.approve_sharing(sharing_request=req, actor=approver)
    data = services.access_shared_data(sharing_request=req, actor=people["director"])
    assert data == {"name": "王建国", "mobile": "13912345678"}
    assert DataSharingAccess.objects.filter(request=req).count() == 1
    # Others may not take the data; withdrawn consent stops further use at once.
    from kefu.common.errors import Forbidden

    with pytest.raises(Forbidden):
        services.access_shared_data(sharing_request=req, actor=people["agent"])
    services.withdraw_consent(consent=consent, channel="phone", actor=people["agent"])
    with pytest.raises(ConsentMissing):
        services.access_shared_data(sharing_request=req, actor=people["director"])


def test_department_sharing_over_api(customers, people, user_factory, org_tree):
    c = customers["C0001"]
    director = ApiClient(people["director"])
    body = {"recipient_kind": "department", "recipient_unit_code": "HO-CARD", "purpose": "信用卡争议处理",
            "fields": ["name", "mobile", "pin"], "days": 10}
    r = director.post(f"/customers/{c.pk}/sharing", body)
    assert r.status_code == 422 and r.json()["code"] == "customers.invalid_share_fields"
    # Department handlers see only their own unit's customers: C0001 belongs to a DC outlet.
    assert ApiClient(people["card_dept"]).post(f"/customers/{c.pk}/sharing", body).status_code == 404
    r = director.post(f"/customers/{c.pk}/sharing", {**body, "fields": ["name", "mobile"]})
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = director.post(f"/customers/sharing/{sid}/approve", {})
    assert r.status_code == 403 and r.json()["code"] == "customers.same_maker_checker"
    r = ApiClient(people["card_dept"]).get(f"/customers/sharing/{sid}/data")
    assert r.status_code == 409 and r.json()["code"] == "customers.sharing_not_usable"
    admin = ApiClient(user_factory("c_admin2", roles=["admin"], unit=org_tree["HO-IT"]))
    assert admin.post(f"/customers/sharing/{sid}/approve", {"note": "同意"}).json()["status"] == "approved"
    r = ApiClient(people["card_dept"]).get(f"/customers/sharing/{sid}/data")
    assert r.status_code == 200 and r.json() == {"name": "王建国", "mobile": "13912345678"}
    assert ApiClient(people["xc_manager"]).get(f"/customers/sharing/{sid}/data").status_code == 403


def test_erasure_respects_retention_and_legal_hold(customers, people):
    c = customers["C0002"]
    req = services.request_erasure(customer=c, channel="branch", actor=people["agent"], reason="客户销户后要求删除")
    done = services.process_erasure(erasure_request=req, actor=people["director"])
    assert done.status == "refused" and done.refusal_code == "relationship_active"
    Customer.objects.filter(pk=c.pk).update(relationship_ended_on=date(2020, 3, 1))
    c.refresh_from_db()
    services.set_legal_hold(customer=c, hold=True, reason="涉诉冻结", actor=people["director"])
    req2 = services.request_erasure(customer=c, channel="branch", actor=people["agent"])
    assert services.process_erasure(erasure_request=req2, actor=people["director"],
                                    today=date(2026, 1, 1)).refusal_code == "legal_hold"
    services.set_legal_hold(customer=c, hold=False, reason="诉讼终结", actor=people["director"])
    req3 = services.request_erasure(customer=c, channel="branch", actor=people["agent"])
    r3 = services.process_erasure(erasure_request=req3, actor=people["director"], today=date(2024, 6, 1))
    assert r3.refusal_code == "retention_period" and r3.retention_until == date(2025, 3, 1)
    req4 = services.request_erasure(customer=c, channel="branch", actor=people["agent"])
    assert services.process_erasure(erasure_request=req4, actor=people["director"],
                                    today=date(2026, 1, 1)).status == "completed"
    c.refresh_from_db()
    assert c.is_anonymised and c.id_number == "" and c.mobile == "" and c.name == "已匿名化客户"
    assert not c.phones.exists() and not c.cards.exists()
    from kefu.customers.selectors import find_by_phone

    assert find_by_phone("13600001111") == []
    assert not services.has_consent(customer=c, purpose="recording")
