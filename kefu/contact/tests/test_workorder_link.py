"""One-click work order from the desktop: the intake form carries the interaction and links the new order."""

from django.test import Client

from kefu.contact import services
from kefu.contact.models import InteractionWorkOrder


def test_intake_from_interaction_links_the_work_order(contact_setup):
    agent = contact_setup["agents"][0]
    services.set_agent_state(agent=agent, state="ready", actor=agent.user)
    call = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    services.answer(interaction=call, actor=agent.user)
    client = Client()
    client.force_login(agent.user)
    page = client.get(f"/workorders/new/?interaction={call.pk}")
    assert page.status_code == 200
    assert f'name="interaction" value="{call.pk}"' in page.content.decode()
    resp = client.post("/workorders/new/", {
        "interaction": str(call.pk), "kind": "consultation", "channel": "phone", "title": "咨询信用卡年费",
        "description": "客户询问信用卡年费减免政策", "severity": "general", "preferred_reply_channel": "phone",
        "contact_name": "张先生", "contact_phone": "13800138000"})
    assert resp.status_code == 302, resp.content.decode()[:500]
    link = InteractionWorkOrder.objects.get(interaction=call)
    assert resp["Location"].rstrip("/").endswith(link.workorder_number)
