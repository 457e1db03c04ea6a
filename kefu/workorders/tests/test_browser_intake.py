"""The intake form in a real browser, by keyboard only: an agent registers a complaint during a call,
then dispatches it from the detail page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@Pass12345"


def test_keyboard_intake_and_dispatch(page, live_server, org_tree, user_factory):
    from kefu.common.browser import login, screenshot
    from kefu.workorders.models import WorkOrder
    from kefu.workorders.setup import seed

    seed(None)
    user_factory("agent_wo", roles=["agent"], unit=org_tree["CC"])
    login(page, live_server, "agent_wo", PASSWORD)
    page.goto(f"{live_server.url}/workorders/new/")
    assert page.evaluate("document.activeElement.id") == "f-kind"  # autofocus on the first field
    page.keyboard.press("Tab")  # channel (phone is first)
    page.keyboard.press("Tab")  # severity
    page.keyboard.press("Tab")
    page.keyboard.type("信用卡年费重复扣收")
    page.keyboard.press("Tab")
    page.keyboard.type("客户称年费已减免仍被扣收200元，要求退还。")
    page.locator("input[name=contact_phone]").fill("13800138000")
    page.locator("input[name=amount_yuan]").fill("200")
    page.locator("#f-description").focus()
    page.keyboard.press("Control+Enter")
    try:
        page.wait_for_url("**/workorders/TS*/")
    except Exception as exc:  # say why the form was refused instead of only "timeout"
        import re

        errors = re.findall(r'class="error"[^>]*>([^<]+)', page.content())
        raise AssertionError(f"intake not accepted: {errors}") from exc
    wo = WorkOrder.objects.get(title="信用卡年费重复扣收")
    assert wo.amount_fen == 20000 and wo.status == "accepted"
    assert page.get_by_text(wo.number).first.is_visible()
    screenshot(page, "workorders_detail")
    # Countdowns tick in the page: a deadline that passes while the page is open turns red without a reload.
    countdown = page.locator("time.countdown").first
    assert countdown.inner_text().startswith("剩余")
    page.evaluate("""() => {
        const el = document.querySelector('time.countdown');
        el.setAttribute('datetime', new Date(Date.now() - 90 * 60000).toISOString());
        window.kefuCountdown.render();
    }""")
    assert countdown.inner_text() == "已超时 1小时 30分钟"
    assert "red" in (countdown.get_attribute("class") or "")
    page.locator("details:has(input[name=action][value=dispatch]) > summary").click()
    form = page.locator("form:has(input[name=action][value=dispatch])")
    form.locator("select[name=to_unit]").select_option("BR-DC")
    form.locator("textarea[name=reason]").fill("分行处理")
    form.locator("button[data-action=dispatch]").click()
    page.wait_for_load_state()
    wo.refresh_from_db()
    assert wo.status == "dispatched" and wo.handling_unit.code == "BR-DC"
