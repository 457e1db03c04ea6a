"""The one registry of permission names, and the default grants per role.

Every endpoint and service declares the permission it needs by one of these names. Roles are data
(``org.Role``) seeded from ``DEFAULT_ROLE_PERMISSIONS``; an administrator may adjust a role's grants in
the admin, but only to names registered here (validated on save).

Apps add their own permissions by calling :func:`register` at import time of their ``permissions.py``
(discovered through ``KEFU_APPS``), so the registry stays one place to look without one giant file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    # Read-only permissions are the only ones a compliance auditor may hold.
    read_only: bool = False


REGISTRY: dict[str, Permission] = {}


def register(code: str, label: str, *, read_only: bool = False) -> str:
    REGISTRY[code] = Permission(code, label, read_only)
    return code


class P:
    """Permission names of the foundation; apps define their own classes the same way."""

    # Scope: see objects of every unit (the center handles the whole bank's hotline).
    SCOPE_ALL_UNITS = register("org.scope_all_units", "查看全行数据", read_only=True)
    ORG_VIEW = register("org.view", "查看机构与人员", read_only=True)
    ORG_MANAGE = register("org.manage", "管理机构、人员与角色")
    AUDIT_VIEW = register("audit.view", "查看审计日志", read_only=True)
    AUDIT_VERIFY = register("audit.verify", "校验审计链", read_only=True)
    PII_UNMASK = register("pii.unmask", "查看敏感信息明文（需说明理由）", read_only=True)
    API_TOKEN_MANAGE = register("org.api_token_manage", "管理API令牌")
    OPS_VIEW = register("ops.view", "查看运行状态", read_only=True)
    SYSTEM_CONFIGURE = register("ops.configure", "系统配置")


# Roles by the permissions they hold by default. Apps extend these sets in their permissions module
# via ``grant(role, *codes)`` so each business area keeps its grants next to its names.
DEFAULT_ROLE_PERMISSIONS: dict[str, set[str]] = {
    "agent": {P.SCOPE_ALL_UNITS, P.ORG_VIEW},
    "shift_lead": {P.SCOPE_ALL_UNITS, P.ORG_VIEW, P.OPS_VIEW},
    "center_director": {P.SCOPE_ALL_UNITS, P.ORG_VIEW, P.OPS_VIEW, P.AUDIT_VIEW, P.PII_UNMASK},
    "clerk": {P.SCOPE_ALL_UNITS, P.ORG_VIEW},
    "system_maintainer": {P.SCOPE_ALL_UNITS, P.ORG_VIEW, P.OPS_VIEW, P.SYSTEM_CONFIGURE, P.API_TOKEN_MANAGE},
    "branch_complaint_manager": {P.ORG_VIEW},
    "branch_head": {P.ORG_VIEW},
    "department_handler": {P.ORG_VIEW},
    "compliance_auditor": {P.SCOPE_ALL_UNITS, P.ORG_VIEW, P.AUDIT_VIEW, P.AUDIT_VERIFY, P.OPS_VIEW},
    "admin": {P.SCOPE_ALL_UNITS, P.ORG_VIEW, P.ORG_MANAGE, P.AUDIT_VIEW, P.AUDIT_VERIFY, P.API_TOKEN_MANAGE,
              P.OPS_VIEW, P.SYSTEM_CONFIGURE},
    "service_account": set(),
}

# Roles that may only read: whatever grants they are given, writes are refused for them.
READ_ONLY_ROLES = {"compliance_auditor"}


def grant(role: str, *codes: str) -> None:
    unknown = [c for c in codes if c not in REGISTRY]
    if unknown:
        raise KeyError(f"unregistered permissions: {unknown}")
    if role in READ_ONLY_ROLES:
        writes = [c for c in codes if not REGISTRY[c].read_only]
        if writes:
            raise ValueError(f"role {role} is read-only; cannot grant {writes}")
    DEFAULT_ROLE_PERMISSIONS.setdefault(role, set()).update(codes)


def load_app_permissions() -> None:
    """Import every app's ``permissions`` module so their names and grants are registered."""
    import importlib

    from django.conf import settings

    for app in settings.KEFU_APPS:
        try:
            importlib.import_module(f"{app}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.permissions":
                raise
