"""The chat channel over real WebSockets (Channels' communicator) and the HTMX pages."""

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db import connections
from django.test import Client

from kefu.asgi import application
from kefu.audit.models import AuditEntry
from kefu.contact import services
from kefu.contact.choices import AgentState, InteractionStatus
from kefu.contact.models import ChatMessage, Interaction
from kefu.contact.services.chat import customer_says, start_chat


class FakeAnswer:
    article_id, title, answer_text, confidence = 7, "借记卡挂失", "可拨打95500按3号键立即口头挂失。", 0.9


@pytest.fixture
def bot(monkeypatch):
    def best_answer(text, audience="customer"):
        return FakeAnswer() if "挂失" in text else None

    monkeypatch.setattr("kefu.knowledge.services.best_answer", best_answer)


def test_bot_answers_then_hands_over_with_transcript(contact_setup, bot):
    agent = contact_setup["agents"][0]
    services.set_agent_state(agent=agent, state=AgentState.READY, actor=agent.user)
    interaction, key = start_chat()
    assert interaction.status == InteractionStatus.OFFERED
    customer_says(interaction=interaction, text="我的卡丢了怎么挂失")
    interaction.refresh_from_db()
    assert interaction.status == InteractionStatus.OFFERED  # answered by the bot
    assert "95500" in ChatMessage.objects.filter(interaction=interaction, sender="bot").last().text
    customer_says(interaction=interaction, text="理财产品收益怎么算")   # bot has no confident answer
    interaction.refresh_from_db()
    assert interaction.status == InteractionStatus.ALERTING and interaction.agent_id == agent.pk
    senders = list(interaction.messages.values_list("sender", flat=True))
    assert senders == ["bot", "customer", "bot", "customer", "bot"]
    services.answer(interaction=interaction, actor=agent.user)
    services.chat.post_message(interaction=interaction, sender="agent", text="您好，我是8001号客服", agent=agent)
    assert interaction.messages.last().sender == "agent"


def test_chat_masks_card_numbers_and_redacts_pins(contact_setup, bot):
    from kefu.pii.checks import luhn_check_digit

    card = "622202020011223344" + luhn_check_digit("622202020011223344")
    interaction, _ = start_chat()
    customer_says(interaction=interaction, text=f"卡号{card} 挂失")
    customer_says(interaction=interaction, text="我的密码是123456")
    texts = list(ChatMessage.objects.filter(interaction=interaction, sender="customer").values_list("text", flat=True))
    assert card not in texts[0] and card[-4:] in texts[0]
    assert "123456" not in texts[1] and "已屏蔽" in texts[1]


@pytest.mark.django_db(transaction=True)
def test_customer_websocket_gets_bot_answer_and_rejects_bad_key(contact_setup, bot):
    interaction, key = start_chat()

    async def scenario():
        bad = WebsocketCommunicator(application, f"/ws/chat/{interaction.pk}/?key=wrong",
                                    headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])
        connected, _ = await bad.connect()
        assert not connected
        comm = WebsocketCommunicator(application, f"/ws/chat/{interaction.pk}/?key={key}",
                                     headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])
        connected, _ = await comm.connect()
        assert connected
        greeting = json.loads(await comm.receive_from())
        assert greeting["sender"] == "bot"
        await comm.send_to(text_data=json.dumps({"type": "message", "text": "信用卡丢了要挂失"}))
        got = [json.loads(await comm.receive_from(timeout=5)) for _ in range(2)]
        await comm.send_to(text_data="not json")
        err = json.loads(await comm.receive_from())
        await comm.disconnect()
        # The consumer's database work ran on asgiref's executor thread, whose connection would otherwise
        # stay open after this thread's loop is gone (and PostgreSQL could not drop the test database).
        await database_sync_to_async(connections.close_all)()
        return got, err

    # A fresh thread with its own event loop: a browser test in the same worker may have left an event
    # loop registered on this thread (Playwright's sync API), where async_to_sync refuses to run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        got, err = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert [m["sender"] for m in got] == ["customer", "bot"]
    assert "95500" in got[1]["text"]
    assert err["code"] == "bad_request.malformed_json"


def test_desktop_wallboard_and_staffing_pages(contact_setup, user_factory, org_tree):
    agent = contact_setup["agents"][0]
    client = Client()
    client.force_login(agent.user)
    resp = client.get("/contact/desktop/")
    assert resp.status_code == 200 and "座席工作台" in resp.content.decode()
    resp = client.post("/contact/desktop/state/", {"state": "ready"})
    assert resp.status_code == 200 and agent.user.agent_profile.__class__.objects.get(pk=agent.pk).state == "ready"
    call = services.offer_interaction(channel="phone", queue=contact_setup["general"], actor=None)
    assert Interaction.objects.get(pk=call.pk).agent_id == agent.pk
    resp = client.post(f"/contact/interactions/{call.pk}/answer/")
    assert resp.status_code == 200 and Interaction.objects.get(pk=call.pk).status == "answered"
    assert client.get("/contact/wallboard/").status_code == 403  # agents have no wallboard permission
    lead = user_factory("lead9", roles=["shift_lead"], unit=org_tree["CC"])
    client.force_login(lead)
    board = client.get("/contact/wallboard/partial/")
    assert board.status_code == 200 and "综合电话队列" in board.content.decode()
    resp = client.post("/contact/staffing/", {"calls": "100", "interval": "1800", "aht": "180", "agents": "14",
                                             "target_seconds": "20", "service_level": "0.8"})
    html = resp.content.decode()
    assert '<td id="sl">0.888</td>' in html and '<td id="asa">7.8</td>' in html


def test_recording_playback_view_is_audited(contact_setup, user_factory, org_tree):
    from kefu.contact.services.recordings import register_recording

    rec = register_recording(fileobj=io.BytesIO(b"RIFF....WAVEdata"), name="c.wav", actor=None)
    lead = user_factory("lead8", roles=["shift_lead"], unit=org_tree["CC"])
    client = Client()
    client.force_login(contact_setup["agents"][0].user)
    assert client.get(f"/contact/recordings/{rec.pk}/play/").status_code == 403
    client.force_login(lead)
    resp = client.get(f"/contact/recordings/{rec.pk}/play/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"RIFF....WAVEdata"
    assert AuditEntry.objects.filter(action="contact.recording_played", actor=lead).exists()
    assert client.get(f"/contact/recordings/{rec.pk}/play/?download=1").status_code == 403
