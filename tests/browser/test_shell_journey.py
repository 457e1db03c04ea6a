"""The UI shell in a real browser: an agent signs in, moves around by keyboard, switches to English and
back; an MFA role passes TOTP; a screenshot at 1366x768 is kept under var/screenshots/ for review."""

from __future__ import annotations

import pytest

from kefu.common.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@Pass12345"


def test_agent_journey_keyboard_and_language(page, live_server, org_tree, user_factory):
    user_factory("agent_b", roles=["agent"], unit=org_tree["CC"], display_name="李娜")
    login(page, live_server, "agent_b", PASSWORD)
    assert page.url.rstrip("/") == live_server.url.rstrip("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text().startswith("您好")
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作台", exact=True).is_visible()

    # Keyboard: the first Tab reaches the skip link, Enter moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tabbing on reaches the language switch and the sign-out button without a mouse.
    reached = set()
    page.locator("body").focus()
    for _ in range(80):  # every app adds navigation links before the user box
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.name || "
                                  "document.activeElement.textContent.trim())"))
        if {"SELECT:language", "BUTTON:退出"} <= reached:
            break
    assert "SELECT:language" in reached and "BUTTON:退出" in reached

    # Nothing overflows sideways at 1366x768.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot = screenshot(page, "shell_agent_zh")
    assert shot.stat().st_size > 5000

    # Switch to English with the keyboard (the select submits on change) and back.
    page.locator("select[name=language]").focus()
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    assert page.get_by_role("link", name="Workspace", exact=True).is_visible()
    screenshot(page, "shell_agent_en")
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "退出" in page.locator(".userbox").inner_text()

    # Sign out returns to the login page.
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")


def test_auditor_passes_mfa_and_sees_the_audit_log(page, live_server, org_tree, user_factory):
    user_factory("auditor_b", roles=["compliance_auditor"], unit=org_tree["HO"], display_name="孙审计")
    login(page, live_server, "auditor_b", PASSWORD, next_path="/audit/")
    assert "/audit/" in page.url
    page.get_by_role("button", name="校验审计链").click()
    page.locator("#verify-result").get_by_text("审计链完整").wait_for()
    page.fill("#id_action", "auth.")
    with page.expect_response(lambda r: "/audit/" in r.url and r.status == 200):
        page.get_by_role("button", name="查询").click()
    page.locator("#audit-table").get_by_text("auth.mfa_verified").first.wait_for()
    screenshot(page, "audit_log_zh")


def test_login_and_mfa_setup_pages_render(page, live_server, org_tree, user_factory):
    from kefu.common.browser import current_totp

    user_factory("maint_b", roles=["system_maintainer"], unit=org_tree["CC"])
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus: type right away
    screenshot(page, "login_zh")
    page.keyboard.type("maint_b")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/mfa/" in page.url
    qr = page.get_by_role("img", name="TOTP 二维码")
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 0  # rendered locally, not fetched
    screenshot(page, "mfa_setup_zh")
    page.fill("#id_otp_token", current_totp("maint_b"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == live_server.url.rstrip("/")
    assert page.get_by_text("双因素认证已通过").is_visible()
