"""A caller who presses 0 in the IVR arrives on an agent's desktop with the IVR context and the 360 link."""

import pytest

from kefu.contact import services
from kefu.contact.models import Interaction
from kefu.contact.selectors import queue_status
from kefu.ivr.tests.conftest import _ivr_settings, bank, gateway, gw_client  # noqa: F401
from kefu.ivr.tests.test_http_api import login, send


@pytest.mark.django_db
def test_ivr_transfer_queues_an_interaction_with_context(contact_setup, bank, gw_client,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    agent = contact_setup["agents"][0]
    call_id, _ = login(gw_client, bank)
    with django_capture_on_commit_callbacks(execute=True):
        body = send(gw_client, call_id, "0")
    assert body["action"] == "transfer"
    interaction = Interaction.objects.get(ivr_call_id=call_id)
    assert interaction.status == "queued" and interaction.queue == contact_setup["general"]
    assert interaction.ivr_context["verified"] is True and interaction.customer is not None
    assert interaction.contact_masked.startswith("138") and "****" in interaction.contact_masked
    assert queue_status("general").waiting == 1
    services.set_agent_state(agent=agent, state="ready", actor=agent.user)
    interaction.refresh_from_db()
    assert interaction.agent_id == agent.pk and interaction.status == "alerting"
