from __future__ import annotations

import pytest
from django.db import connection

from kefu.audit.models import AuditEntry
from kefu.audit.services import record
from kefu.common.testing import ApiClient, assert_permission_matrix, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(org_tree, user_factory):
    return user_factory("auditor_t", roles=["compliance_auditor"], unit=org_tree["HO"])


@pytest.fixture
def entries(agent):
    record(actor=agent, action="workorder.created", object_type="workorders.workorder", object_id="7",
           changes={"title": "卡被吞"})
    record(actor=agent, action="workorder.transitioned", object_type="workorders.workorder", object_id="7")
    record(actor=None, action="org.unit_created", object_type="org.unit", object_id="1", kind="system")


def test_entries_permission_matrix(entries, org_tree):
    assert_permission_matrix(lambda c, role: c.get("/audit/entries"),
                             {"center_director": 200, "compliance_auditor": 200, "admin": 200},
                             unit_for_role=lambda role: org_tree["CC"])


def test_verify_permission_matrix(entries, org_tree):
    responses = assert_permission_matrix(lambda c, role: c.get("/audit/verify"),
                                         {"compliance_auditor": 200, "admin": 200}, denied=403,
                                         unit_for_role=lambda role: org_tree["HO"])
    assert responses["admin"].json()["ok"] is True
    assert responses["agent"].json()["code"] == "auth.permission_required"


def test_entries_filters_and_pagination(entries, auditor, agent):
    api = ApiClient(auditor)
    body = api.get("/audit/entries", actor=agent.username).json()
    assert body["count"] == 2 and [e["action"] for e in body["results"]] == [
        "workorder.transitioned", "workorder.created"]  # newest first
    assert api.get("/audit/entries", action="org.").json()["count"] >= 1
    assert api.get("/audit/entries", object_type="workorders.workorder", object_id="7").json()["count"] == 2
    assert api.get("/audit/entries", kind="system", action="org.unit_created").json()["count"] >= 1
    page = api.get("/audit/entries", object_type="workorders.workorder", page_size=1, page=2).json()
    assert page["count"] == 2 and page["page"] == 2 and page["results"][0]["action"] == "workorder.created"
    from datetime import date, timedelta

    today = date.today()
    assert api.get("/audit/entries", date_from=str(today - timedelta(days=1)),
                   actor=agent.username).json()["count"] == 2
    assert api.get("/audit/entries", date_to=str(today - timedelta(days=2)),
                   actor=agent.username).json()["count"] == 0


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page_size": "999"}, {"date_from": "yesterday"},
                                    {"kind": "nonsense"}])
def test_bad_filters_are_422(entries, auditor, params):
    response = ApiClient(auditor).get("/audit/entries", **params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_verify_reports_tampering(entries, auditor):
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEntry._meta.db_table} SET object_id = '8' WHERE seq = 2")  # noqa: S608
    body = ApiClient(auditor).get("/audit/verify").json()
    assert body["ok"] is False and body["broken_seq"] == 2


def test_no_api_can_change_or_delete_entries(entries, org_tree, user_factory):
    admin = user_factory("admin_t", roles=["admin"], unit=org_tree["HO"])
    api = ApiClient(admin)
    seq = AuditEntry.objects.order_by("seq").first().seq
    for call in (lambda: api.post("/audit/entries", {"action": "x"}),
                 lambda: api.delete(f"/audit/entries/{seq}"),
                 lambda: api.patch(f"/audit/entries/{seq}", {"action": "x"}),
                 lambda: api.delete("/audit/entries")):
        assert call().status_code in (404, 405)
    assert AuditEntry.objects.filter(seq=seq).exists()


def test_auditor_page_lists_filters_and_verifies(entries, auditor, agent):
    client = page_client(auditor)
    response = client.get("/audit/", {"actor": agent.username})
    assert response.status_code == 200
    html = response.content.decode()
    assert "workorder.transitioned" in html and "org.unit_created" not in html
    partial = client.get("/audit/", {"action": "org."}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content and b"org.unit_created" in partial.content
    verified = client.get("/audit/verify/", HTTP_HX_REQUEST="true")
    assert verified.status_code == 200 and "审计链完整" in verified.content.decode()


def test_auditor_page_needs_permission_and_mfa(entries, agent, auditor):
    assert page_client(agent).get("/audit/").status_code == 403
    unverified = page_client(auditor, verify_mfa=False).get("/audit/")
    assert unverified.status_code == 302 and unverified["Location"].startswith("/accounts/mfa/")


def test_history_include_lists_an_objects_entries(agent):
    from django.template.loader import render_to_string

    from kefu.audit.selectors import entries_for

    record(actor=agent, action="org.user_touched", obj=agent, changes={"mobile": ["13812345678", "13912345678"]})
    html = render_to_string("audit/_history.html", {"audit_entries": entries_for(agent)})
    assert "org.user_touched" in html and "138****5678" in html and "13812345678" not in html
