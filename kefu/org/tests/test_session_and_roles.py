from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kefu.common.testing import ApiClient, page_client
from kefu.org.permissions import READ_ONLY_ROLES, REGISTRY, P, grant

pytestmark = pytest.mark.django_db


def test_idle_session_expires_after_30_minutes(agent):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.post("/accounts/login/", {"username": "agent_t", "password": "Test@Pass12345"}).status_code == 302
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get("/").status_code == 200  # activity keeps the session alive
    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        assert client.get("/").status_code == 200  # 25 idle minutes since the last request
    with time_machine.travel(start + timedelta(minutes=76), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "自动退出" in client.get(response["Location"]).content.decode()
        assert client.get("/api/v1/me").status_code == 401


def test_compliance_auditor_cannot_write(org_tree, user_factory):
    auditor = user_factory("aud_w", roles=["compliance_auditor"], unit=org_tree["HO"])
    assert auditor.is_read_only
    api = ApiClient(auditor)
    assert api.get("/me").status_code == 200
    for response in (api.post("/me/tokens", {"name": "x"}), api.delete("/me/tokens/1")):
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "auth.read_only"
    # Through the browser session too (after MFA), CSRF token included.
    client = page_client(auditor)
    response = client.post("/api/v1/me/tokens", "{}", content_type="application/json")
    assert response.status_code == 403


def test_read_only_roles_hold_only_read_permissions(db):
    from kefu.org.models import Role

    for code in READ_ONLY_ROLES:
        role = Role.objects.get(code=code)
        assert role.permissions and all(REGISTRY[p].read_only for p in role.permissions)
    with pytest.raises(ValueError):
        grant("compliance_auditor", P.ORG_MANAGE)


def test_visibility_by_unit(org_tree, user_factory):
    from kefu.org.models import Unit

    branch_user = user_factory("br_v", roles=["branch_complaint_manager"], unit=org_tree["BR-DC"])
    paths = branch_user.visible_unit_paths()
    assert paths == [org_tree["BR-DC"].path]
    visible = set(Unit.objects.filter(path__startswith=paths[0]).values_list("code", flat=True))
    assert visible == {"BR-DC", "BR-DC-01", "BR-DC-02", "BR-DC-03"}
    center = user_factory("cc_v", roles=["agent"], unit=org_tree["CC"])
    assert center.visible_unit_paths() is None


def test_admin_user_creation_is_audited_without_the_password(org_tree, user_factory):
    from kefu.audit.models import AuditEntry
    from kefu.org.models import User

    admin = user_factory("root_a", roles=["admin"], unit=org_tree["HO-IT"], is_staff=True, is_superuser=True)
    client = page_client(admin)
    response = client.post("/admin/org/user/add/", {
        "username": "new_agent", "password1": "Sup3r$ecretPass", "password2": "Sup3r$ecretPass",
        "usable_password": "true"})
    assert response.status_code == 302, response.content[:500]
    assert User.objects.filter(username="new_agent").exists()
    entry = AuditEntry.objects.filter(action="admin.created", object_repr="new_agent").get()
    assert "Sup3r$ecretPass" not in str(entry.changes) and entry.changes.get("username") == "new_agent"


def test_secret_field_names_never_reach_the_trail(db):
    from kefu.audit.services import record

    entry = record(actor=None, action="test.secrets", changes={
        "password1": "abc", "new_pin": "1234", "api_token_hash": "x", "client_secret": "y", "cvv2": "123",
        "status": "ok"})
    assert entry.changes["status"] == "ok"
    assert all(v == "[C3 removed]" for k, v in entry.changes.items() if k != "status")
