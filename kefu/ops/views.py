from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .registry import READINESS_CHECKS, CheckResult


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> CheckResult:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cur:
            cur.execute("SELECT 1")
        return CheckResult(True, connections[DEFAULT_DB_ALIAS].vendor)
    except Exception as exc:
        return CheckResult(False, type(exc).__name__)


_MIGRATIONS_OK_UNTIL = [0.0]
MIGRATIONS_CACHE_SECONDS = 60


def _migrations() -> CheckResult:
    # Loading the migration graph costs ~100 ms: a positive answer is reused for a minute, since the load
    # balancer probes every few seconds and applied migrations do not un-apply themselves.
    if time.monotonic() < _MIGRATIONS_OK_UNTIL[0]:
        return CheckResult(True, "all applied")
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            _MIGRATIONS_OK_UNTIL[0] = time.monotonic() + MIGRATIONS_CACHE_SECONDS
        return CheckResult(not plan, f"{len(plan)} unapplied" if plan else "all applied")
    except Exception as exc:
        return CheckResult(False, type(exc).__name__)


def _task_backend() -> CheckResult:
    backend = settings.TASKS["default"]["BACKEND"]
    try:
        if "rq" in backend.lower():
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        else:
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.exists()
        return CheckResult(True, backend.rsplit(".", 1)[-1])
    except Exception as exc:
        return CheckResult(False, type(exc).__name__)


@require_GET
def readyz(request):
    checks = {"database": _database(), "migrations": _migrations(), "tasks": _task_backend()}
    for name, fn in READINESS_CHECKS.items():
        try:
            checks[name] = fn()
        except Exception as exc:
            checks[name] = CheckResult(False, type(exc).__name__)
    ready = all(c.ok or c.warning for c in checks.values())
    body = {
        "status": "ready" if ready else "not_ready",
        "checks": {k: {"ok": c.ok, "warning": c.warning, "detail": c.detail} for k, c in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


@require_GET
def metrics(request):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several uvicorn processes per host: sum what every process wrote to the shared directory.
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
