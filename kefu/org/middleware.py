from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

IDLE_KEY = "kefu_last_seen"
EXPIRED_KEY = "kefu_session_expired"
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/metrics", "/api/", "/i18n/",
                       "/jsi18n/", "/faq/", "/chat/widget", "/ws/")


class IdleSessionTimeoutMiddleware:
    """Log out a browser session idle for longer than KEFU_SESSION_IDLE_SECONDS (30 min by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(time.time())
        last = session.get(IDLE_KEY)
        stale_cookie = bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and session.session_key is None
        if (last is not None and now - int(last) > settings.KEFU_SESSION_IDLE_SECONDS) or stale_cookie:
            # Idle too long (or the stored session already expired, which happens at the same age).
            session.flush()
            request.session_expired = True
            if not request.path.startswith("/api/"):
                session[EXPIRED_KEY] = True  # the login page says why the user has to sign in again
        elif (session.session_key or session.modified) and (last is None or now - int(last) >= 60):
            # Touch at most once a minute so an active user's session does not write on every request.
            session[IDLE_KEY] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Users whose roles demand MFA are sent to set up or verify TOTP before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.requires_mfa and not user.is_verified()
                and not request.path.startswith(MFA_EXEMPT_PREFIXES)):
            target = reverse("org:mfa") + "?" + urlencode({"next": request.get_full_path()}, safe="/")
            if getattr(request, "htmx", False):
                # An HTMX fragment request must not swap the MFA page into the current page.
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)
