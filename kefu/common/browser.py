"""Browser tests for every app: Playwright (python, sync API) driving Debian's Chromium against live_server.

Registered as a pytest plugin by the root ``conftest.py``, so any test can use the fixtures:

- ``browser``: one headless Chromium per test process (session scope), launched from ``/usr/bin/chromium``
  (never downloaded). Missing browser or Playwright: the test is skipped and the reason printed.
- ``page``: a fresh context (own cookies) and page at 1366x768, locale zh-CN, closed after the test.
- ``login(page, live_server, username, password)``: signs in through the login form and, for MFA roles,
  passes the TOTP step with a code computed from the user's device (created on first visit if needed).

Tests must be marked ``@pytest.mark.browser``; they are put in one xdist group so that, under
``pytest -n 2 --dist loadgroup``, a single worker runs them and only one Chromium runs at a time.

Why ``DJANGO_ALLOW_ASYNC_UNSAFE``: Playwright's sync API keeps an asyncio loop running in the test
thread, and Django refuses ORM calls from a thread with a running loop. The test thread only does
ordinary synchronous ORM work (fixtures, assertions), so the check is a false alarm here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def browser_unavailable_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"browser test skipped: {CHROMIUM} is missing (run scripts/install-browser.sh as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test skipped: the playwright python package is not installed"
    return None


def pytest_report_header(config: Any) -> str:
    reason = browser_unavailable_reason()
    return f"browser tests: {reason}" if reason else f"browser tests: Chromium at {CHROMIUM}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    # Printed even with -q (the report header is not), just above pytest's final summary line.
    reason = browser_unavailable_reason()
    if reason and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(f"SKIPPED: {reason}")


def pytest_collection_modifyitems(config: Any, items: list) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def _playwright_browser():
    reason = browser_unavailable_reason()
    if reason:
        print(f"\nSKIPPED: {reason}")  # noqa: T201 (make test must say why)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken install must read as a skip with a reason, not an error
        manager.stop()
        print(f"\nSKIPPED: browser test skipped: Chromium did not start: {exc}")  # noqa: T201
        pytest.skip(f"browser test skipped: Chromium did not start: {str(exc)[:200]}")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture
def browser(_playwright_browser):
    return _playwright_browser


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-viewport PNG under var/screenshots/ (for reviewing layouts) and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def current_totp(username: str) -> str:
    """A TOTP code the user's device accepts now, stepping past codes already used (replay protection)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "pk").first())
    if device is None:
        raise AssertionError(f"{username} has no TOTP device: open the MFA page first")
    counter = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    # A code already used in this time step is refused; the device accepts the next step (tolerance 1).
    counter.drift = max(0, device.last_t - counter.t() + 1)
    return f"{counter.token():0{device.digits}d}"


def login(page: Any, live_server: Any, username: str, password: str, *, next_path: str = "/") -> None:
    """Sign in through the real login form; for MFA roles also pass the TOTP page."""
    base = str(live_server.url)
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("main button[type=submit]")
    if "/accounts/mfa/" in page.url:
        page.fill("#id_otp_token", current_totp(username))
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.click("main button[type=submit]")
    if "/accounts/login/" in page.url or "/accounts/mfa/" in page.url:
        raise AssertionError(f"login as {username} failed; still on {page.url}")
