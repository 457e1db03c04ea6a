"""API authentication: hashed bearer tokens for systems and scripts, the browser session for the UI."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from kefu.common.errors import Forbidden

from .models import ApiToken, hash_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _enforce_read_only(request, user) -> None:
    # Compliance auditors read everything and write nothing, whatever an endpoint forgets to check.
    if request.method not in SAFE_METHODS and user.is_read_only:
        raise Forbidden(_("只读角色不能执行写操作"), code="auth.read_only")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (ApiToken.objects.select_related("user", "user__unit")
               .filter(token_hash=hash_token(token)).first())
        if row is None or not row.is_valid or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        _enforce_read_only(request, row.user)
        return row.user


class MfaSessionAuth(SessionAuth):
    """The logged-in browser session (CSRF-checked for writes); MFA roles must have verified a device."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.requires_mfa and not (hasattr(user, "is_verified") and user.is_verified()):
            # Logged in but the second factor is still missing: say so, so the UI can send them to /accounts/mfa/.
            raise Forbidden(_("请先完成双因素认证"), code="auth.mfa_required")
        _enforce_read_only(request, user)
        return user


api_auth = [TokenAuth(), MfaSessionAuth()]
