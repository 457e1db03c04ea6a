"""ASGI entry point: HTTP through Django, WebSockets through Channels (routes from apps' ``routing.py``)."""

import gc
import importlib
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from kefu.ops.checks import production_problems  # noqa: E402

if settings.PRODUCTION and (problems := production_problems(check_db=True)):
    raise ImproperlyConfigured("kefu refuses to start in production mode: " + "; ".join(problems))


def _websocket_routes() -> list:
    routes: list = []
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.routing":
                raise
            continue
        routes.extend(getattr(module, "websocket_urlpatterns", []))
    return routes


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(_websocket_routes()))),
})


def _freeze_loaded_objects() -> None:
    """Move what a loaded kefu process holds (Django, the apps, the URL and API routes: ~200,000 objects)
    out of the garbage collector's reach. A full collection otherwise walks them all, 120-140 ms with the
    GIL held, and every request in flight waits (measured 2026-11-23; the FastAGI server does the same,
    see docs/ivr.md). What requests allocate afterwards is collected as usual."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views and the API's routers now)
    gc.collect()
    gc.freeze()


# Not in test processes: they open and drop database connections after start, and a connection frozen while
# alive would never be collected (a test database could not be dropped).
if settings.KEFU_GC_FREEZE:
    _freeze_loaded_objects()
