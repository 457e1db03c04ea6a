"""Writes to the organisation: staff, roles and API tokens. Every function audits what it changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import NotFound

from .models import ApiToken, Role, Unit, User, hash_token
from .permissions import DEFAULT_ROLE_PERMISSIONS, load_app_permissions


def sync_roles() -> None:
    """Create missing roles and bring non-customised ones up to the registry's defaults (runs on migrate)."""
    from .choices import RoleCode

    load_app_permissions()
    for code, label in RoleCode.choices:
        perms = sorted(DEFAULT_ROLE_PERMISSIONS.get(code, set()))
        role, created = Role.objects.get_or_create(code=code, defaults={"name": str(label), "permissions": perms})
        if not created and not role.customized and role.permissions != perms:
            role.permissions = perms
            role.save(update_fields=["permissions"])


def issue_token(*, user: User, actor: Any, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``; returns the row and the raw token (shown once, stored hashed)."""
    raw = ApiToken.generate()
    days = settings.KEFU_API_TOKEN_DAYS if days is None else days
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:12], token_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=days) if days > 0 else None,
        )
        record(actor=actor, action="org.token_issued", obj=token,
               changes={"user": user.username, "name": name, "expires_at": token.expires_at})
    return token, raw


def revoke_token(*, token_id: int, actor: Any) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor=actor, action="org.token_revoked", obj=token, changes={"user": token.user.username})
    return token


def create_unit(*, actor: Any, code: str, name: str, kind: str, parent: Unit | None = None,
                **flags: Any) -> Unit:
    with transaction.atomic():
        unit = Unit(code=code, name=name, kind=kind, parent=parent, **flags)
        unit.full_clean()
        unit.save()
        record(actor=actor, action="org.unit_created", obj=unit,
               changes={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None})
    return unit


def create_staff_user(*, actor: Any, username: str, password: str, unit: Unit | None, roles: list[str],
                      display_name: str = "", employee_no: str = "", is_demo: bool = False,
                      validate_password: bool = True) -> User:
    from django.contrib.auth.password_validation import validate_password as check

    with transaction.atomic():
        user = User(username=username, unit=unit, display_name=display_name, employee_no=employee_no,
                    is_demo=is_demo, is_staff="admin" in roles or "system_maintainer" in roles)
        if validate_password:
            check(password, user)
        user.set_password(password)
        user.save()
        user.roles.set(Role.objects.filter(code__in=roles))
        record(actor=actor, action="org.user_created", obj=user,
               changes={"username": username, "unit": unit.code if unit else None, "roles": sorted(roles)})
    return user


def set_user_roles(*, user: User, roles: list[str], actor: Any) -> User:
    with transaction.atomic():
        before = sorted(user.roles.values_list("code", flat=True))
        user.roles.set(Role.objects.filter(code__in=roles))
        record(actor=actor, action="org.user_roles_changed", obj=user, changes={"roles": [before, sorted(roles)]})
    for cached in ("_role_rows", "role_codes", "kefu_permissions", "_kefu_visible_unit_ids"):
        user.__dict__.pop(cached, None)
    return user


def record_auth_event(*, action: str, user: Any = None, username: str = "", detail: dict | None = None) -> None:
    record(actor=user, action=action, object_type="org.user", object_id=str(getattr(user, "pk", "") or ""),
           object_repr=username or getattr(user, "username", ""), changes=detail or {}, kind=AuditKind.AUTH)
