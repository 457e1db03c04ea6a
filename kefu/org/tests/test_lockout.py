"""django-axes: 5 failed logins lock the account for 15 minutes, through the real login view."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kefu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Test@Pass12345"


def _login(client: Client, password: str):
    return client.post("/accounts/login/", {"username": "agent_t", "password": password})


def test_five_failures_lock_for_fifteen_minutes(agent):
    client = Client()
    for _ in range(4):
        response = _login(client, "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    locked = _login(client, "wrong-password")  # the 5th failure locks
    assert locked.status_code == 429 and "账号已临时锁定" in locked.content.decode()
    # While locked even the right password is refused, from any client.
    assert _login(Client(), PASSWORD).status_code == 429
    assert AuditEntry.objects.filter(action="auth.locked_out", object_repr="agent_t").exists()
    assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 5

    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert _login(Client(), PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = _login(Client(), PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/"


def test_success_resets_the_failure_count(agent):
    client = Client()
    for _ in range(4):
        _login(client, "wrong-password")
    assert _login(client, PASSWORD).status_code == 302
    for _ in range(4):
        assert _login(Client(), "wrong-password").status_code == 200
    assert _login(Client(), PASSWORD).status_code == 302


def test_lockout_is_per_account_not_per_address(agent, user_factory, org_tree):
    user_factory("agent_u", roles=["agent"], unit=org_tree["CC"])
    for _ in range(5):
        _login(Client(), "wrong-password")
    # A colleague behind the same NAT address still logs in.
    response = Client().post("/accounts/login/", {"username": "agent_u", "password": PASSWORD})
    assert response.status_code == 302
