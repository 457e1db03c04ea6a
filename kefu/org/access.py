"""Permission checks used by services, APIs and views: one place, never falling through to None."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from kefu.common.errors import Forbidden, NotAuthenticated


def require_perm(user: Any, code: str) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not user.has_kefu_perm(code):
        raise Forbidden(code="auth.permission_required", fields={"permission": code})


def requires(code: str) -> Callable:
    """Decorator for API endpoints and views: ``@requires(P.WORKORDER_CREATE)``; reads ``request.user``."""

    def deco(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            require_perm(getattr(request, "user", None), code)
            return fn(request, *args, **kwargs)

        wrapper.kefu_permission = code  # type: ignore[attr-defined]
        return wrapper

    return deco
