"""Bearer tokens: issued by command or API, stored hashed, revocable, expiring; bad tokens get a JSON 401."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.common.testing import ApiClient
from kefu.org.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def _me(raw: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client().get("/api/v1/me", **headers)


def _issue(*args: str) -> str:
    out = StringIO()
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def test_issue_token_command_gives_a_working_hashed_token(agent):
    raw = _issue("agent_t")
    response = _me(raw)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "agent_t" and body["roles"] == ["agent"]
    assert [u["code"] for u in body["units"]] == ["HO", "CC"]
    row = ApiToken.objects.get(user=agent)
    assert row.token_hash == hash_token(raw) and raw not in (row.token_hash, row.prefix)
    assert row.expires_at is not None  # 90 days by default
    assert AuditEntry.objects.filter(action="org.token_issued", object_id=str(row.pk)).exists()


def test_issue_token_for_unknown_user_fails(db):
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody")


@pytest.mark.parametrize("header", [None, "Bearer kefu_not-a-real-token", "Token abc", "Bearer "])
def test_missing_or_bad_token_is_a_json_401(db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = Client().get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated"
    assert set(response.json()) == {"code", "message", "fields"}


def test_expired_token_is_refused(agent):
    raw = _issue("agent_t", "--days", "1")
    assert _me(raw).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert _me(raw).status_code == 401


def test_revoked_token_is_refused_via_command_and_api(agent, org_tree, user_factory):
    raw = _issue("agent_t")
    call_command("revoke_token", raw[:12], stdout=StringIO())
    assert _me(raw).status_code == 401

    maintainer = user_factory("maint_t", roles=["system_maintainer"], unit=org_tree["CC"])
    api = ApiClient(maintainer)
    created = api.post("/me/tokens", {"name": "script", "days": 30})
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("kefu_") and _me(new["token"]).status_code == 200
    listed = api.get("/me/tokens").json()
    assert all("token" not in t and "token_hash" not in t for t in listed)
    assert api.delete(f"/me/tokens/{new['id']}").status_code == 204
    assert _me(new["token"]).status_code == 401
    assert AuditEntry.objects.filter(action="org.token_revoked", object_id=str(new["id"])).exists()


def test_cannot_revoke_someone_elses_token(agent, org_tree, user_factory):
    maintainer = user_factory("maint_u", roles=["system_maintainer"], unit=org_tree["CC"])
    other_raw = _issue("agent_t")
    other = ApiToken.objects.get(token_hash=hash_token(other_raw))
    assert ApiClient(maintainer).delete(f"/me/tokens/{other.pk}").status_code == 404
    assert _me(other_raw).status_code == 200


def test_token_issue_needs_permission(agent):
    response = ApiClient(agent).post("/me/tokens", {"name": "x"})
    assert response.status_code == 403 and response.json()["code"] == "auth.permission_required"


def test_inactive_users_token_is_refused(agent):
    raw = _issue("agent_t")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert _me(raw).status_code == 401
