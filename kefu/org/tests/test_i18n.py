"""Simplified Chinese by default, English through the language switch (compiled by kefu_setup)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db
MO = Path(settings.BASE_DIR) / "kefu" / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def test_chinese_is_the_default():
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html and "登录客服中心" in html


@pytest.mark.skipif(not MO.exists(), reason="English catalog not compiled: run manage.py kefu_setup --build-only")
def test_language_switch_to_english_and_back(agent):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html and "Sign in to the service center" in html and "登录客服中心" not in html
    client.force_login(agent)
    home = client.get("/").content.decode()
    assert "Workspace" in home and "Agent" in home  # navigation and role names
    api = client.get("/api/v1/no-such", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 404
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "工作台" in client.get("/").content.decode()


@pytest.mark.skipif(not MO.exists(), reason="English catalog not compiled: run manage.py kefu_setup --build-only")
def test_api_messages_follow_accept_language(db):
    response = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response.json()["message"] == "Please sign in or provide a valid access token"
    assert Client().get("/api/v1/me").json()["message"] == "请先登录或提供有效的访问令牌"
