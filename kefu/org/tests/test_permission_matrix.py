"""The shared permission-matrix helper: it passes on the right matrix and fails loudly on a wrong one."""

from __future__ import annotations

import pytest

from kefu.common.testing import assert_permission_matrix

pytestmark = pytest.mark.django_db
TOKEN_MANAGERS = {"system_maintainer": 201, "admin": 201}


def test_token_issue_matrix(org_tree):
    responses = assert_permission_matrix(lambda c, role: c.post("/me/tokens", {"name": role}), TOKEN_MANAGERS,
                                         unit_for_role={"admin": org_tree["HO-IT"]}, denied=403)
    assert responses["compliance_auditor"].json()["code"] == "auth.read_only"
    assert responses["agent"].json()["code"] == "auth.permission_required"


def test_wrong_expectation_fails_and_names_every_role(org_tree):
    with pytest.raises(AssertionError) as excinfo:
        assert_permission_matrix(lambda c, role: c.post("/me/tokens", {}), {"agent": 201, "admin": 403})
    message = str(excinfo.value)
    assert "agent: got 403, want [201]" in message and "admin: got 201, want [403]" in message
    assert "system_maintainer: got 201" in message  # not listed, so it had to be denied


def test_page_mode_uses_logged_in_browser_sessions(org_tree):
    assert_permission_matrix(lambda c, role: c.get("/audit/"),
                             {"center_director": 200, "compliance_auditor": 200, "admin": 200},
                             unit_for_role=lambda role: org_tree["CC"], mode="page", denied=403)


def test_unknown_role_is_a_usage_error(db):
    with pytest.raises(ValueError):
        assert_permission_matrix(lambda c, role: None, {"janitor": 200})
