"""Test helpers shared by every app: users with roles, API clients, and the permission-matrix check."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.test import Client

ALL_ROLES = ["agent", "shift_lead", "center_director", "clerk", "system_maintainer", "branch_complaint_manager",
             "branch_head", "department_handler", "compliance_auditor", "admin"]


def make_user(username: str, *, roles: Iterable[str] = (), unit: Any = None, password: str = "Test@Pass12345",
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


def assert_permission_matrix(request_as, expected: dict[str, int | set[int]], *, unit_for_role=None) -> None:
    """Check one request against every role.

    ``request_as(client: ApiClient, role: str) -> response``; ``expected`` maps role -> status (or set of
    acceptable statuses); roles not listed must get 403 or 404. ``unit_for_role(role)`` places each user.
    """
    failures = []
    for role in ALL_ROLES:
        unit = unit_for_role(role) if unit_for_role else None
        user = make_user(f"pm_{role}_{_counter()}", roles=[role], unit=unit)
        response = request_as(ApiClient(user), role)
        want = expected.get(role, {403, 404})
        allowed = want if isinstance(want, set) else {want}
        if response.status_code not in allowed:
            failures.append(f"{role}: got {response.status_code}, want {sorted(allowed)}: "
                            f"{response.content[:200]!r}")
    assert not failures, "permission matrix mismatch:\n" + "\n".join(failures)


_n = [0]


def _counter() -> int:
    _n[0] += 1
    return _n[0]
