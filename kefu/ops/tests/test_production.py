"""Production mode (KEFU_ENV=production) refuses to start with debug on, generated keys or demo users."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEYS = {
    "KEFU_SECRET_KEY": "p" * 20 + "roduction-secret-key-for-tests-0123456789",
    "KEFU_FIELD_KEYS": "k9:" + base64.b64encode(b"\x01" * 32).decode(),
    "KEFU_BLIND_INDEX_KEY": base64.b64encode(b"\x02" * 32).decode(),
}


def _run(tmp_path: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "DJANGO_"))}
    clean.update({"KEFU_ENV": "production", "KEFU_VAR_DIR": str(tmp_path),
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "DJANGO_SETTINGS_MODULE": "kefu.settings"})
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120, check=False)


def test_refuses_missing_keys_and_never_generates_them(tmp_path):
    result = _run(tmp_path, ["manage.py", "check"])
    assert result.returncode != 0 and "refuses to start in production mode" in result.stderr
    assert "KEFU_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_refuses_debug_generated_keys_and_short_secret(tmp_path):
    # One start-up reports every problem at once (one subprocess keeps the test fast).
    import json

    (tmp_path / "secrets.json").write_text(json.dumps({
        "secret_key": GOOD_KEYS["KEFU_SECRET_KEY"], "field_keys": GOOD_KEYS["KEFU_FIELD_KEYS"],
        "blind_index_key": GOOD_KEYS["KEFU_BLIND_INDEX_KEY"]}))
    result = _run(tmp_path, ["manage.py", "check"], KEFU_DEBUG="1", KEFU_SECRET_KEY="short")
    assert result.returncode != 0 and "refuses to start in production mode" in result.stderr
    assert "KEFU_DEBUG must be 0" in result.stderr
    assert "not a generated file" in result.stderr
    assert "too short" in result.stderr


def test_starts_with_proper_configuration_and_refuses_demo_data(tmp_path):
    # load_demo runs the system checks first: reaching its own refusal proves the configuration passed them.
    demo = _run(tmp_path, ["manage.py", "load_demo"], **GOOD_KEYS)
    assert demo.returncode != 0 and "refuses to run in production mode" in demo.stderr, demo.stderr
    assert "SystemCheckError" not in demo.stderr


@pytest.mark.django_db
def test_demo_users_block_the_app_server(settings, org_tree, user_factory):
    # The ASGI entry point runs production_problems(check_db=True) before serving (kefu/asgi.py).
    from kefu.ops.checks import production_problems

    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.KEFU_SECRETS_GENERATED = False
    settings.SECRET_KEY = GOOD_KEYS["KEFU_SECRET_KEY"]
    assert production_problems() == []
    demo = user_factory("demo_x", roles=["agent"], unit=org_tree["CC"], is_demo=True)
    assert any("demo users" in p for p in production_problems())
    from django.core.management import call_command

    call_command("remove_demo_users", stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo.refresh_from_db()
    assert not demo.is_active and production_problems() == []
