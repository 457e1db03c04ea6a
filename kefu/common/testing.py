"""Test helpers shared by every app: users with roles, API clients, and the permission-matrix check."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.test import Client

ALL_ROLES = ["agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
             "branch_head", "department_handler", "compliance_auditor", "admin"]


def make_user(username: str, *, roles: Iterable[str] = (), unit: Any = None, password: str = "Test@Pass12345",  # noqa: S107
              **extra: Any):
    from kefu.org.models import Role, User
    from kefu.org.services import sync_roles

    if not Role.objects.exists():
        sync_roles()
    user = User.objects.create_user(username=username, password=password, unit=unit, **extra)
    user.roles.set(Role.objects.filter(code__in=list(roles)))
    return user


class ApiClient:
    """A JSON client for /api/v1 authenticated with a real bearer token of ``user`` (or anonymous)."""

    def __init__(self, user: Any = None) -> None:
        self.client = Client()
        self.user = user
        self.headers: dict[str, str] = {}
        if user is not None:
            from kefu.org.services import issue_token

            _, raw = issue_token(user=user, actor=None, name="test")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def _url(self, path: str) -> str:
        return path if path.startswith("/") and path.startswith("/api/") else f"/api/v1{path}"

    def get(self, path: str, **params: Any):
        return self.client.get(self._url(path), params, **self.headers)

    def post(self, path: str, data: Any = None, *, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(self._url(path), body, content_type="application/json", **self.headers)

    def put(self, path: str, data: Any = None):
        return self.client.put(self._url(path), json.dumps(data or {}), content_type="application/json",
                               **self.headers)

    def patch(self, path: str, data: Any = None):
        return self.client.patch(self._url(path), json.dumps(data or {}), content_type="application/json",
                                 **self.headers)

    def delete(self, path: str):
        return self.client.delete(self._url(path), **self.headers)


def page_client(user: Any, *, verify_mfa: bool = True) -> Client:
    """A Django test client logged in as ``user`` for page views; MFA roles are marked as TOTP-verified
    (a confirmed device is created if needed) unless ``verify_mfa=False``."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if verify_mfa and user.requires_mfa:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def assert_permission_matrix(request_as, expected: dict[str, int | set[int]], *, unit_for_role=None,
                             roles: Iterable[str] = ALL_ROLES, denied: int | set[int] = frozenset({403, 404}),
                             mode: str = "api") -> dict[str, Any]:
    """Check one request against every role; returns ``{role: response}`` for further assertions.

    ``request_as(client, role) -> response`` where ``client`` is an :class:`ApiClient` (``mode="api"``, a real
    bearer token) or a logged-in Django test ``Client`` with MFA passed (``mode="page"``, see
    :func:`page_client`); the user is ``client.user`` in both. ``expected`` maps role -> status (or a set of
    acceptable statuses); roles not listed must get ``denied`` (403 or 404 by default).
    ``unit_for_role(role) -> Unit | None`` places each user (e.g. ``lambda r: org_tree["CC"]``); a dict works too.
    All mismatches are reported together, one line per role.
    """
    if mode not in ("api", "page"):
        raise ValueError("mode must be 'api' or 'page'")
    unknown = set(expected) - set(ALL_ROLES) - {"service_account"}
    if unknown:
        raise ValueError(f"unknown roles in expected: {sorted(unknown)}")
    failures = []
    responses: dict[str, Any] = {}
    for role in roles:
        if isinstance(unit_for_role, dict):
            unit = unit_for_role.get(role)
        else:
            unit = unit_for_role(role) if unit_for_role else None
        user = make_user(f"pm_{role}_{_counter()}", roles=[role], unit=unit)
        if mode == "api":
            client: Any = ApiClient(user)
        else:
            client = page_client(user)
            client.user = user
        response = request_as(client, role)
        responses[role] = response
        want = expected.get(role, denied)
        allowed = set(want) if isinstance(want, (set, frozenset)) else {want}
        if response.status_code not in allowed:
            failures.append(f"{role}: got {response.status_code}, want {sorted(allowed)}: "
                            f"{response.content[:200]!r}")
    assert not failures, "permission matrix mismatch:\n" + "\n".join(failures)
    return responses


_n = [0]


def _counter() -> int:
    _n[0] += 1
    return _n[0]
