"""The agent's journey in a real browser: screen pop by keyboard, identity verification, the masked 360
view, an unmask refused for an agent and allowed, with a reason, for the director."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@Pass12345"


def test_lookup_verify_and_unmask(page, live_server, customers, people):
    from kefu.common.browser import login, screenshot

    c = customers["C0001"]
    login(page, live_server, "c_agent", PASSWORD)
    page.goto(f"{live_server.url}/customers/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("13912345678")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/customers/{c.pk}/**")
    body = page.content()
    assert "王*国" in body and "王建国" not in body and "核验后可见" in body
    page.select_option("#factor1", "id_last6")
    page.fill("#answer1", "31002X")
    page.select_option("#factor2", "birth_date")
    page.fill("#answer2", "1949-12-31")
    page.get_by_role("button", name="核验").click()
    page.wait_for_selector("#verified-badge")
    assert "1,234.56" in page.content()
    screenshot(page, "customers_360_verified")
    # The agent has no pii.unmask: the refusal is shown in place and audited.
    field = page.locator("#f-id_number")
    field.locator("summary").click()
    field.locator("input[name=reason]").fill("核对证件信息")
    field.locator("button").click()
    page.wait_for_selector("#f-id_number [role=alert]")
    assert "11010519491231002X" not in page.content()
    assert AuditEntry.objects.filter(action="pii.unmask_denied", actor_id=people["agent"].pk).exists()

    page.context.clear_cookies()
    login(page, live_server, "c_director", PASSWORD)
    page.goto(f"{live_server.url}/customers/{c.pk}/")
    field = page.locator("#f-id_number")
    field.locator("summary").click()
    field.locator("input[name=reason]").fill("投诉核实身份信息")
    field.locator("button").click()
    page.wait_for_selector("#f-id_number .unmasked")
    assert "11010519491231002X" in page.locator("#f-id_number").inner_text()
    assert AuditEntry.objects.filter(action="pii.unmask", actor_id=people["director"].pk,
                                     reason="投诉核实身份信息").exists()
