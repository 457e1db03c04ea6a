from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.test import Client

from kefu.ops.registry import READINESS_CHECKS, CheckResult

pytestmark = pytest.mark.django_db


def test_healthz():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_reports_database_migrations_and_tasks():
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    for name in ("database", "migrations", "tasks"):
        assert body["checks"][name]["ok"] is True
    assert body["checks"]["migrations"]["detail"] == "all applied"


@pytest.fixture
def extra_checks():
    saved = dict(READINESS_CHECKS)
    yield READINESS_CHECKS
    READINESS_CHECKS.clear()
    READINESS_CHECKS.update(saved)


def test_readyz_includes_registered_checks(extra_checks):
    extra_checks["calendar"] = lambda: CheckResult(False, "next year not published", warning=True)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["calendar"] == {"ok": False, "warning": True,
                                                     "detail": "next year not published"}
    extra_checks["queue"] = lambda: CheckResult(False, "down")
    assert Client().get("/readyz").status_code == 503

    def broken():
        raise RuntimeError("boom")

    extra_checks.pop("queue")
    extra_checks["broken"] = broken
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["broken"]["detail"] == "RuntimeError"


def test_metrics_are_prometheus_text():
    Client().get("/healthz")
    response = Client().get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "kefu_http_requests_total" in text and 'route="healthz"' in text


def test_request_id_is_echoed_or_generated():
    generated = Client().get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="lb-123.abc")["X-Request-ID"] == "lb-123.abc"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"] != "bad id\n<script>"


def test_every_log_line_is_json_with_the_request_id(agent):
    """Use the real LOGGING config (JSON formatter, request-id and PII filters) on a captured stream."""
    stream = io.StringIO()
    config = json.loads(json.dumps(django_settings.LOGGING, default=str))
    config["handlers"]["console"]["stream"] = stream
    config["root"]["level"] = "INFO"
    logging.config.dictConfig(config)
    try:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")  # django.request warns on 404
        logging.getLogger("kefu.test").info("caller 13812345678 asked about card 6222021234567894")
        lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
    assert response.status_code == 404
    assert len(lines) >= 2
    records = [json.loads(line) for line in lines]  # every line parses as JSON
    assert all("request_id" in r and "level" in r and "ts" in r for r in records)
    assert any(r["logger"] == "django.request" and r["request_id"] == "req-42" for r in records)
    joined = stream.getvalue()
    assert "13812345678" not in joined and "138****5678" in joined
    assert "6222021234567894" not in joined and "6222 **** **** 7894" in joined


def test_page_view_errors_are_not_500(agent):
    from kefu.common.testing import page_client

    # An agent lacks audit.view: the KefuError from the view becomes a 403 page, not a server error.
    response = page_client(agent).get("/audit/")
    assert response.status_code == 403 and "auth.permission_required" in response.content.decode()
    assert Client().get("/audit/")["Location"].startswith("/accounts/login/")


def test_readyz_with_the_rq_backend_when_redis_answers(settings):
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis test skipped: 127.0.0.1:6379 does not answer")
    from kefu.ops.views import _task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    assert _task_backend().ok
    settings.REDIS_URL = "redis://127.0.0.1:1/15"
    result = _task_backend()
    assert not result.ok and "Error" in result.detail


def test_readyz_fails_with_unapplied_migrations(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    from kefu.ops import views

    monkeypatch.setattr(views, "_MIGRATIONS_OK_UNTIL", [0.0])
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("fake", False)])
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "warning": False, "detail": "1 unapplied"}


def test_the_asgi_process_keeps_its_loaded_objects_out_of_the_collector():
    # A full collection over a loaded process stalls every request ~130 ms; kefu.asgi freezes them at start.
    # In a process of its own: freezing this test process would keep dropped database connections alive.
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = "import gc, kefu.asgi; print(gc.get_freeze_count())"
    root = Path(__file__).resolve().parents[3]
    env = dict(os.environ, KEFU_GC_FREEZE="1", DJANGO_SETTINGS_MODULE="kefu.settings")
    env.pop("DATABASE_URL", None)
    env["KEFU_VAR_DIR"] = str(root / "var" / "test")
    frozen = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    assert int(frozen.stdout.strip().splitlines()[-1]) > 50_000
