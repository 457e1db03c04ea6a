"""MFA per role: admin, system_maintainer, center_director and compliance_auditor must pass TOTP before
any page or session-authenticated API call; other roles are not asked."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.common.testing import ALL_ROLES

pytestmark = pytest.mark.django_db
MFA_ROLES = {"admin", "system_maintainer", "center_director", "compliance_auditor"}


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_mfa_enforced_exactly_for_mfa_roles(role, org_tree, user_factory, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    user = user_factory(f"u_{role}", roles=[role], unit=org_tree["CC"])
    assert user.requires_mfa is (role in MFA_ROLES)
    client = Client()
    client.force_login(user)
    page = client.get("/")
    api = client.get("/api/v1/me")
    if role not in MFA_ROLES:
        assert page.status_code == 200
        assert api.status_code == 200 and api.json()["username"] == user.username
        return
    assert page.status_code == 302 and page["Location"] == "/accounts/mfa/?next=/"
    assert api.status_code == 403 and api.json()["code"] == "auth.mfa_required"

    # First visit sets up a device (QR code rendered locally); a wrong code is refused.
    setup = client.get("/accounts/mfa/?next=/")
    assert setup.status_code == 200 and b"data:image/svg+xml;base64," in setup.content
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    bad = client.post("/accounts/mfa/", {"otp_token": "000000" if _code(device) != "000000" else "111111"})
    assert bad.status_code == 200 and "验证码不正确" in bad.content.decode()
    assert client.get("/").status_code == 302

    ok = client.post("/accounts/mfa/", {"otp_token": _code(device), "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_verified_device_is_asked_again_after_new_login(org_tree, user_factory):
    user = user_factory("dir_t", roles=["center_director"], unit=org_tree["CC"])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    assert client.post("/accounts/login/", {"username": "dir_t", "password": "Test@Pass12345"}).status_code == 302
    assert client.get("/").status_code == 302
    assert client.post("/accounts/mfa/", {"otp_token": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "dir_t", "password": "Test@Pass12345"})
    assert client.get("/").status_code == 302


def test_replayed_code_is_refused(org_tree, user_factory):
    user = user_factory("adm_t", roles=["admin"], unit=org_tree["HO"])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = _code(device)
    first = Client()
    first.force_login(user)
    assert first.post("/accounts/mfa/", {"otp_token": code}).status_code == 302
    second = Client()
    second.force_login(user)
    assert second.post("/accounts/mfa/", {"otp_token": code}).status_code == 200


def test_mfa_next_does_not_redirect_off_site(org_tree, user_factory):
    user = user_factory("adm_n", roles=["admin"], unit=org_tree["HO"])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/mfa/", {"otp_token": _code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
