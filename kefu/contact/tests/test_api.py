import base64
import hashlib

from kefu.common.testing import ApiClient, assert_permission_matrix
from kefu.contact.models import AgentProfile


def test_erlang_api_reproduces_the_reference_example(db):
    resp = ApiClient().post("/contact/erlang-c", {"calls": 100, "aht_seconds": 180, "agents": 14})
    body = resp.json()
    assert resp.status_code == 200
    assert (body["service_level"], body["asa_seconds"]) == (0.88835, 7.84)
    assert ApiClient().post("/contact/erlang-c", {"calls": "many", "aht_seconds": 1}).status_code == 422


def test_offer_act_and_list_through_the_api(contact_setup, user_factory, org_tree):
    gateway = user_factory("pbx", roles=["service_account"], unit=org_tree["CC"])
    agent = contact_setup["agents"][0]
    agent_api = ApiClient(agent.user)
    assert agent_api.post("/contact/agent-state", {"state": "ready"}).json()["state"] == "ready"
    resp = ApiClient(gateway).post("/contact/interactions", {"channel": "phone", "queue": "phone-general",
                                                            "contact_address": "13900001111",
                                                            "ivr_context": {"verified": True, "menu": "1>0"}})
    assert resp.status_code == 201, resp.content
    call = resp.json()
    assert call["status"] == "alerting" and call["agent_id"] == agent.pk and call["contact_masked"] == "139****1111"
    for action in ({"action": "answer"}, {"action": "end"}, {"action": "wrap_up", "wrap_up_code": "resolved"},
                   {"action": "link_workorder", "workorder_number": "ZX20261123000001"},
                   {"action": "survey", "csat": 5, "nps": 9}):
        resp = agent_api.post(f"/contact/interactions/{call['id']}/actions", action)
        assert resp.status_code == 200, (action, resp.content)
    final = resp.json()
    assert final["status"] == "ended" and final["workorders"] == ["ZX20261123000001"] and final["csat"] == 5
    bad = agent_api.post(f"/contact/interactions/{call['id']}/actions", {"action": "answer"})
    assert bad.status_code == 409 and bad.json()["code"] == "contact.invalid_transition"
    assert agent_api.post(f"/contact/interactions/{call['id']}/actions", {"action": "fly"}).status_code == 422
    listing = agent_api.get("/contact/interactions", channel="phone")
    assert listing.json()["count"] == 1
    assert AgentProfile.objects.get(pk=agent.pk).state == "ready"


def test_recording_registration_permissions_and_checksum(contact_setup, org_tree):
    content = b"RIFF-test-audio"
    payload = {"name": "call.wav", "content_base64": base64.b64encode(content).decode(),
               "sha256": hashlib.sha256(content).hexdigest()}

    def request_as(client, role):
        return client.post("/contact/recordings", payload)

    assert_permission_matrix(request_as, {"center_director": 201, "system_maintainer": 201},
                             unit_for_role=lambda role: org_tree["CC"])
    bad = dict(payload, content_base64="%%%")
    from kefu.common.testing import make_user

    director = make_user("d2", roles=["center_director"], unit=org_tree["CC"])
    assert ApiClient(director).post("/contact/recordings", bad).json()["code"] == "contact.recording_encoding"
