"""The REST API under /api/v1: one NinjaAPI, routers discovered from each app's ``api.py``.

An app's ``api.py`` exposes ``router`` (a ninja Router) and ``PREFIX`` (e.g. ``"/workorders"``).
Errors everywhere are JSON ``{"code", "message", "fields"}``; bad input never yields a 500.
"""

from __future__ import annotations

import importlib
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from kefu.common.errors import KefuError
from kefu.org.auth import api_auth

logger = logging.getLogger("kefu.api")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class NulCharacterError(ValueError):
    """A decoded JSON string or key holds U+0000 (no kefu text may; PostgreSQL refuses it)."""


def _reject_nul(value) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulCharacterError("NUL character in the request body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)
    elif isinstance(value, list):
        for item in value:
            _reject_nul(item)


class ObjectJsonParser(Parser):
    """Request bodies are JSON objects: a bare list, number, string or null (or NaN/Infinity) is refused with
    400 instead of silently becoming an all-defaults payload; so is a NUL character anywhere in it."""

    def parse_body(self, request):
        data = json.loads(request.body, parse_constant=_reject_constant)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        if b"\\u0000" in request.body:  # only then can a decoded string hold one
            _reject_nul(data)
        return data


api = NinjaAPI(
    title="kefu API",
    version="1",
    description="kefu 客服中心平台 REST API。认证：`Authorization: Bearer <token>`（`manage.py issue_token`）"
                "或浏览器会话（需 CSRF）。错误统一为 `{code, message, fields}`。",
    auth=api_auth,
    parser=ObjectJsonParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"code": code, "message": message, "fields": fields or {}}, status=status)


@api.exception_handler(KefuError)
def _kefu_error(request, exc: KefuError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


def _loc_to_field(loc: list) -> str:
    # Drop ninja's parameter-source prefixes ("body", "payload", "query") so fields read like the payload.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header", "cookie")]
    if len(parts) > 1 and parts[0] in ("payload", "data", "params", "filters"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields: dict[str, str] = {}
    for err in exc.errors:
        fields.setdefault(_loc_to_field(list(err.get("loc", []))), err.get("msg", "invalid"))
    return _error(request, 422, "validation_error", _("数据校验未通过"), fields)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        fields = {k: "; ".join(str(m) for e in v for m in e.messages) for k, v in exc.error_dict.items()}
    else:
        fields = {"__all__": "; ".join(exc.messages)}
    code = getattr(exc, "code", None) or next(
        (e.code for errs in getattr(exc, "error_dict", {}).values() for e in errs if e.code), None)
    return _error(request, 422, code or "validation_error", "; ".join(exc.messages), fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "auth.not_authenticated", _("请先登录或提供有效的访问令牌"))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, NulCharacterError):
        return _error(request, 400, "bad_request.nul_character", _("请求中含有不允许的空字符（NUL）"))
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return _error(request, 400, "bad_request.malformed_json", _("请求体不是合法的 JSON"))
    code = {400: "bad_request", 401: "auth.not_authenticated", 403: "auth.forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 429: "throttled"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, message)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("对象不存在或无权查看"))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "auth.forbidden", str(exc) or _("没有执行此操作的权限"))


def _data_error(request, exc: Exception):
    # The database refused a value (out of range, too long for its column; SQLite's driver raises
    # OverflowError for an integer beyond 64 bits): the client's data, so a 400. Logged, because it means a
    # validation is missing in front of the database; nothing was written (the service's transaction rolled
    # back with the exception).
    logger.warning("database refused a value", extra={"code": "bad_request.invalid_data", "path": request.path,
                                                      "error": type(exc).__name__})
    return _error(request, 400, "bad_request.invalid_data", _("提交的数据超出允许的范围或长度"))


api.add_exception_handler(DataError, _data_error)
api.add_exception_handler(OverflowError, _data_error)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("unhandled API error")
    return _error(request, 500, "internal_error", _("服务器内部错误，请稍后重试（已记录请求编号）"))


def _discover_routers() -> None:
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.api":
                raise
            continue
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "PREFIX", "/" + app.rsplit(".", 1)[-1]), router)


_discover_routers()
