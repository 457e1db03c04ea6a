"""Typed errors with stable machine-readable codes.

Services raise these; the API turns them into JSON ``{"code", "message", "fields"}`` with the status
below, and the UI shows ``message`` (already translated, Chinese by default).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class KefuError(Exception):
    status = 400
    code = "bad_request"
    default_message: Any = _("请求有误")

    def __init__(self, message: Any = None, *, code: str | None = None, fields: dict[str, Any] | None = None,
                 status: int | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class BadRequest(KefuError):
    status = 400
    code = "bad_request"


class ValidationFailed(KefuError):
    status = 422
    code = "validation_error"
    default_message = _("数据校验未通过")


class NotAuthenticated(KefuError):
    status = 401
    code = "auth.not_authenticated"
    default_message = _("请先登录或提供有效的访问令牌")


class Forbidden(KefuError):
    status = 403
    code = "auth.forbidden"
    default_message = _("没有执行此操作的权限")


class NotFound(KefuError):
    status = 404
    code = "not_found"
    default_message = _("对象不存在或无权查看")


class Conflict(KefuError):
    status = 409
    code = "conflict"
    default_message = _("与当前状态冲突")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("当前状态不允许此操作")
