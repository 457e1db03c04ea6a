"""Turn a ``KefuError`` raised in a page view into the right response instead of a 500.

API endpoints have their own JSON handlers (``kefu.api``); this covers the HTMX UI: a permission error is
a 403 page, a hidden object a 404, bad input a 400/422 with the message, an anonymous user goes to login.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render

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
