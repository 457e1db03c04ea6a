from __future__ import annotations

import re
import time

from django.conf import settings

from .context import RequestContext, new_request_id, set_request_context
from .metrics import REQUEST_LATENCY, REQUESTS

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str:
    # Behind a load balancer the first X-Forwarded-For hop is the client (only trusted when configured).
    if getattr(settings, "KEFU_TRUST_X_FORWARDED_FOR", False):
        fwd = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if fwd:
            return fwd.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the load balancer) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else new_request_id()
        # Not reset afterwards: Django logs the response after this middleware returns, and each request
        # (ASGI task or WSGI thread) sets its own context first.
        set_request_context(RequestContext(request_id=request.request_id, ip=client_ip(request)))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class RequestContextMiddleware:
    """Kept as a hook point after authentication (user-dependent context); request id is set earlier."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match else "unmatched"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        REQUEST_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response
