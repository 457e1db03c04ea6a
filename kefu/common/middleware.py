"""Request-level guards of the UI and the API.

``KefuErrorMiddleware`` turns a ``KefuError`` raised in a page view into the right response instead of a
500. API endpoints have their own JSON handlers (``kefu.api``); this covers the HTMX UI: a permission error
is a 403 page, a hidden object a 404, bad input a 400/422 with the message, an anonymous user goes to login.

``RejectNulMiddleware`` refuses a NUL character in the query string or a form body with a 400: no text in
kefu may contain one, and PostgreSQL refuses it in any text column (a 500 deep inside a query otherwise).
JSON bodies are checked by the API's parser (``kefu.api.ObjectJsonParser``) on the decoded values.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import KefuError, NotAuthenticated


class KefuErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, KefuError):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(exc.as_dict(), status=exc.status)
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        return render(request, "org/error.html", {"error": exc}, status=exc.status)


NUL_CODE = "bad_request.nul_character"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("请求中含有不允许的空字符（NUL）")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": NUL_CODE, "message": message, "fields": {}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
        return True
    if request.content_type == "application/x-www-form-urlencoded":
        # Multipart bodies are left alone: their files are binary and their fields parsed lazily.
        return b"%00" in request.body or b"\x00" in request.body
    return False
