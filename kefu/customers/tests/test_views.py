from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.common.testing import page_client

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_lookup_page_enter_opens_the_single_match(customers, people):
    client = page_client(people["agent"])
    page = client.get("/customers/")
    assert page.status_code == 200 and 'autofocus' in page.content.decode()
    r = client.get("/customers/", {"q": "13912345678", "go": "1", "interaction": "CALL-7"})
    assert r.status_code == 302 and r["Location"] == f"/customers/{customers['C0001'].pk}/?interaction=CALL-7"
    r = client.get("/customers/", {"q": "139 1234 5678", "go": "1"}, **HTMX)
    assert r.status_code == 204 and r["HX-Redirect"] == f"/customers/{customers['C0001'].pk}/"
    r = client.get("/customers/", {"q": "13912345678"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "王*国" in body and "139****5678" in body and "13912345678" not in body
    r = client.get("/customers/", {"q": "11010519491231002X"}, **HTMX)
    assert "C0001" in r.content.decode()
    r = client.get("/customers/", {"q": "13000000000"}, **HTMX)
    assert "未找到" in r.content.decode()


def test_htmx_unmask_refused_then_allowed(customers, people):
    c = customers["C0001"]
    client = page_client(people["agent"])
    detail = client.get(f"/customers/{c.pk}/").content.decode()
    assert "显示明文" in detail and "11010519491231002X" not in detail
    r = client.post(f"/customers/{c.pk}/unmask/", {"field": "id_number", "reason": "核对证件信息"}, **HTMX)
    assert r.status_code == 403 and "11010519491231002X" not in r.content.decode()
    assert AuditEntry.objects.filter(action="pii.unmask_denied", actor_id=people["agent"].pk).exists()
    client = page_client(people["director"])
    r = client.post(f"/customers/{c.pk}/unmask/", {"field": "id_number", "reason": "短"}, **HTMX)
    assert r.status_code == 422
    r = client.post(f"/customers/{c.pk}/unmask/", {"field": "id_number", "reason": "核对证件信息"}, **HTMX)
    assert r.status_code == 200 and "11010519491231002X" in r.content.decode()


def test_htmx_verify_then_transactions_show(customers, people):
    c = customers["C0001"]
    client = page_client(people["agent"])
    page = client.get(f"/customers/{c.pk}/").content.decode()
    assert "核验后可见" in page and "unverified-badge" in page
    r = client.post(f"/customers/{c.pk}/verify/", {"factor1": "id_last6", "answer1": "31002X",
                                                   "factor2": "birth_date", "answer2": "1949-12-31"}, **HTMX)
    assert r.status_code == 200 and r["HX-Refresh"] == "true"
    page = client.get(f"/customers/{c.pk}/").content.decode()
    assert "verified-badge" in page and "1,234.56" in page and "消费" in page


def test_htmx_note_change_consent_and_flag(customers, people):
    c = customers["C0001"]
    client = page_client(people["agent"])
    r = client.post(f"/customers/{c.pk}/notes/", {"body": "客户密码是123456"}, **HTMX)
    assert r.status_code == 422  # C3 data refused
    assert client.post(f"/customers/{c.pk}/notes/", {"body": "客户咨询大额存单"}, **HTMX).status_code == 200
    r = client.post(f"/customers/{c.pk}/changes/", {"field": "email", "new_value": "new@example.com",
                                                    "reason": "客户来电更新"}, **HTMX)
    assert "已生效" in r.content.decode()
    r = client.post(f"/customers/{c.pk}/consents/", {"purpose": "recording", "channel": "phone"}, **HTMX)
    assert r.status_code == 200
    r = client.post(f"/customers/{c.pk}/flag/", {"category": "other", "description": "多次来电要求修改手机号"}, **HTMX)
    assert "KY" in r.content.decode()
    page = client.get(f"/customers/{c.pk}/").content.decode()
    assert "客户咨询大额存单" in page and "n***@example.com" in page
    client = page_client(people["lead"])
    assert client.get("/customers/changes/").status_code == 200
    client = page_client(people["xc_manager"])
    assert client.get(f"/customers/{c.pk}/").status_code == 404


def test_permission_matrix_360_page_and_cases_page(customers, org_tree):
    from kefu.common.testing import assert_permission_matrix

    c = customers["C0001"]

    def unit_for(role):
        return org_tree["BR-DC"] if role.startswith("branch") else org_tree["CC"]

    viewers = ["agent", "shift_lead", "center_director", "clerk", "compliance_auditor", "admin",
               "branch_complaint_manager", "branch_head"]
    responses = assert_permission_matrix(lambda client, role: client.get(f"/customers/{c.pk}/"),
                                         dict.fromkeys(viewers, 200), unit_for_role=unit_for, mode="page")
    assert "王建国" not in responses["admin"].content.decode()
    case_viewers = ["agent", "shift_lead", "center_director", "branch_complaint_manager", "branch_head",
                    "department_handler"]
    assert_permission_matrix(lambda client, role: client.get("/customers/cases/"),
                             dict.fromkeys(case_viewers, 200), unit_for_role=unit_for, mode="page")
