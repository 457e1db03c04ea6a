"""Whole calls played through the FastAGI server by a client speaking Asterisk's side of AGI."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync

from kefu.ivr.agi.server import FastAgiServer
from kefu.ivr.models import IvrCall

from .agi_client import AgiCaller
from .conftest import PIN, journals_with_key_prefix, sms


def run_agi(scenario):
    """Run the server and the scripted caller in one event loop; database work runs in the test's thread
    (thread_sensitive), inside the test transaction."""

    async def main():
        server = FastAgiServer(host="127.0.0.1", port=0, thread_sensitive=True)
        await server.start()
        try:
            return await scenario(server.port)
        finally:
            await server.close()

    return async_to_sync(main)()


def login_keys(bank, *menu):
    return [*menu, bank["a"]["card_no"], PIN]


@pytest.mark.django_db
def test_verify_and_balance_read_back_as_digits(bank, gateway):
    caller_keys = login_keys(bank, "1", "1")

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.1", recording="/var/spool/asterisk/monitor/1.wav").play(
            caller_keys)

    t = run_agi(scenario)
    assert t.commands[0] == "ANSWER"
    assert "12345" in t.said_digits and bank["a"]["account_no"][-4:] in t.said_digits
    assert "6" in t.said_digits and "7" in t.said_digits
    assert "验证通过" in t.text()
    assert t.hung_up
    call = IvrCall.objects.get(external_id="1700000000.1")
    assert call.channel == "agi" and call.verified and call.status == "ended"
    assert call.recording_file == "/var/spool/asterisk/monitor/1.wav"
    assert call.disposition == "self_served"
    # GET DATA for the PIN asks exactly the PIN length; the PIN itself is nowhere in the call record.
    assert any(c.startswith("GET DATA") and c.endswith(" 6") for c in t.commands)
    assert PIN not in str(call.state) + str(call.path) + call.last_output


@pytest.mark.django_db
def test_transfer_retried_after_dropped_connection_posts_once(bank, gateway):
    keys = login_keys(bank, "2") + ["1", "100#"]

    async def scenario(port):
        caller = AgiCaller(port, uniqueid="1700000000.2")
        # Drop the connection right after confirming the transfer (the 6th key, "1").
        first = await caller.play([*keys, "1"], drop_after=len(keys) + 1)
        await asyncio.sleep(0.3)
        # Asterisk reconnects the same channel: the session resumes; the caller confirms again if asked.
        second = await caller.play(["1", "9"])
        return first, second

    first, second = run_agi(scenario)
    assert first.dropped
    call = IvrCall.objects.get(external_id="1700000000.2")
    assert "@resumed" in call.path
    assert journals_with_key_prefix(f"ivr-{call.call_id}-xfer") == 1
    postings = [o for o in call.outcomes if o["function"] == "transfer" and o["outcome"] == "posted"]
    assert len(postings) == 1
    assert "转账成功" in second.text() or "转账成功" in first.text()


@pytest.mark.django_db
def test_transfer_retried_when_core_answer_is_lost(bank, gateway, monkeypatch):
    """The core posts but its answer is lost (unavailable): the caller retries the same step, the key is the
    same, the core replays: one posting."""
    from kefu.corebank.adapter import CoreBankUnavailable
    from kefu.corebank.sandbox import SandboxCoreBank

    real = SandboxCoreBank.transfer
    calls = {"n": 0}

    def flaky(self, **kwargs):
        result = real(self, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:
            raise CoreBankUnavailable("timeout")
        return result

    monkeypatch.setattr(SandboxCoreBank, "transfer", flaky)
    keys = [*login_keys(bank, "2"), "1", "100#", "1", "1", "9"]

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.3").play(keys)

    t = run_agi(scenario)
    assert "结果未确认" in t.text() and "转账成功" in t.text()
    call = IvrCall.objects.get(external_id="1700000000.3")
    assert journals_with_key_prefix(f"ivr-{call.call_id}-xfer") == 1
    assert calls["n"] == 2
    posted = [o for o in call.outcomes if o.get("outcome") == "posted"]
    assert len(posted) == 1


@pytest.mark.django_db
def test_loss_report_freezes_card_and_opens_work_order(bank, gateway):
    keys = ["3", "1", bank["a"]["card_no"], PIN, "1"]

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.4").play(keys)

    t = run_agi(scenario)
    assert "挂失成功" in t.text()
    from kefu.corebank.models import Medium
    from kefu.workorders.models import WorkOrder

    assert Medium.objects.get(number=bank["a"]["card_no"]).status in {"lost", "frozen"}
    call = IvrCall.objects.get(external_id="1700000000.4")
    assert WorkOrder.objects.filter(source_ref__startswith=f"ivr:{call.call_id}").count() == 1
    assert len(sms("ivr.loss_reported")) == 1


@pytest.mark.django_db
def test_three_wrong_pins_lock(bank, gateway):
    keys = ["1", "1", bank["a"]["card_no"], "111112", "111113", "111114"]

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.5").play(keys)

    t = run_agi(scenario)
    assert "已被锁定" in t.text()
    from kefu.ivr.models import PhoneBankingCredential

    assert PhoneBankingCredential.objects.get(cif_no=bank["a"]["cif_no"]).is_locked
    assert IvrCall.objects.get(external_id="1700000000.5").disposition == "locked"


@pytest.mark.django_db
def test_zero_hands_off_with_context(bank, gateway):
    keys = [*login_keys(bank, "1", "1"), "0"]

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.6").play(keys)

    t = run_agi(scenario)
    assert t.variables["KEFU_ACTION"] == "transfer"
    assert t.variables["KEFU_QUEUE"] == "general"
    assert t.variables["KEFU_VERIFIED"] == "1"
    call_id = t.variables["KEFU_CALL_ID"]
    from kefu.ivr.selectors import handoff_context

    ctx = handoff_context(call_id)
    assert ctx["verified"] and ctx["cif_no"] == bank["a"]["cif_no"]
    assert ctx["last_intent"] == "balance" and "account" in ctx["menu_path"]
    assert not t.hung_up  # the dialplan continues to Queue()


@pytest.mark.django_db
def test_caller_hangup_ends_call(bank, gateway):
    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.7").play(["4", "1"])

    run_agi(scenario)
    call = IvrCall.objects.get(external_id="1700000000.7")
    assert call.status == "ended" and call.disposition == "self_served"
    assert [o["function"] for o in call.outcomes] == ["rates"]


@pytest.mark.django_db
def test_barge_in_key_interrupts_the_prompt(bank, gateway, settings):
    """A recorded prompt exists for the main menu: it is streamed with escape digits, and a key pressed
    during it is the caller's choice (no GET DATA for that menu)."""
    from kefu.ivr import prompts
    from kefu.ivr.flows.defaults import DEFAULT_FLOW

    menu_text = DEFAULT_FLOW["nodes"][0]["prompt"]
    recorded = settings.KEFU_IVR_PROMPT_DIR / "recorded"
    recorded.mkdir(parents=True)
    (recorded / f"{prompts.text_hash(menu_text)}.wav").write_bytes(b"RIFF")

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.8").play(["barge:4", "9", "3"])

    t = run_agi(scenario)
    streams = [c for c in t.commands if c.startswith("STREAM FILE")]
    assert streams and streams[0].endswith('"0123456789*#"') and "/recorded/" in streams[0]
    call = IvrCall.objects.get(external_id="1700000000.8")
    assert call.path[:3] == ["main", "main:4", "info"]


@pytest.mark.django_db
def test_a_caller_gone_while_the_pbx_answers_leaves_no_active_call(bank, gateway):
    """The call is opened in the database while the PBX answers; a hang-up during the ANSWER still ends it."""

    async def scenario(port):
        return await AgiCaller(port, uniqueid="1700000000.41", recording="/var/spool/asterisk/monitor/41.wav").play(
            ["1"], hang_up_at_answer=True)

    t = run_agi(scenario)
    assert t.commands[0] == "ANSWER" and not any(c.startswith("GET DATA") for c in t.commands)
    call = IvrCall.objects.get(external_id="1700000000.41")
    assert call.status == "ended" and call.disposition == "abandoned"
