"""Softphone and hand-off pages, prompt audio (espeak-ng when installed), demo loader."""

from __future__ import annotations

import io
import shutil
import wave

import pytest
from django.test import Client

from .conftest import PIN


def browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_softphone_page_by_permission(bank, user_factory, org_tree):
    agent = user_factory("sp_agent", roles=["agent"], unit=org_tree["CC"])
    clerk = user_factory("sp_clerk", roles=["clerk"], unit=org_tree["CC"])
    r = browser(agent).get("/ivr/softphone/")
    assert r.status_code == 200 and "软电话" in r.content.decode()
    assert browser(clerk).get("/ivr/softphone/").status_code == 403


@pytest.mark.django_db
def test_handoff_page_shows_context(bank, gw_client, user_factory, org_tree):
    call_id = gw_client.post("/ivr/calls", {"caller": "13800138000"}).json()["call_id"]
    for digits in ("1", "1", bank["a"]["card_no"] + "#", PIN + "#", "0"):
        gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": digits})
    agent = user_factory("ho_agent", roles=["agent"], unit=org_tree["CC"])
    html = browser(agent).get(f"/ivr/handoff/{call_id}/").content.decode()
    assert "已验证" in html and bank["a"]["cif_no"] in html and "balance" in html
    assert browser(agent).get("/ivr/handoff/doesnotexist/").status_code == 404
    clerk = user_factory("ho_clerk", roles=["clerk"], unit=org_tree["CC"])
    assert browser(clerk).get(f"/ivr/handoff/{call_id}/").status_code == 403
    assert browser(agent).get("/ivr/calls/").status_code == 200


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
def test_espeak_prompt_is_8k_mono_and_cached(settings, tmp_path):
    settings.KEFU_IVR_ESPEAK = "espeak-ng"
    from kefu.ivr import prompts
    from kefu.ivr.engine.types import D, S

    path = prompts.synthesize("查询余额请按1。")
    assert path is not None and path.parent == tmp_path / "prompts"
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        assert w.getnframes() > 4000
    assert prompts.synthesize("查询余额请按1。") == path  # cached by text hash
    assert prompts.audio_url(S("查询余额请按1。")).endswith(f"/ivr/prompts/{path.stem}.wav")
    assert prompts.audio_url(D("12345")) is None  # customer data never becomes a file
    r = Client().get(f"/ivr/prompts/{path.stem}.wav")
    assert r.status_code == 200 and r["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(b"".join(r.streaming_content))) as served:
        assert served.getframerate() == 8000


def test_text_only_without_espeak(settings):
    from kefu.ivr import prompts
    from kefu.ivr.engine.types import S

    assert not prompts.espeak_available()
    assert prompts.synthesize("你好") is None
    assert prompts.prompt_payload(S("你好")) == {"text": "你好", "audio_url": None}
    assert Client().get("/ivr/prompts/../../etc.wav").status_code == 404


@pytest.mark.django_db
def test_demo_load_prints_callers_and_token(bank, gateway, monkeypatch):
    import kefu.corebank.demo as core_demo
    from kefu.ivr import demo

    callers = [{"name": "测试甲", "cif_no": bank["a"]["cif_no"], "mobile": bank["a"]["mobile"],
                "card_no": bank["a"]["card_no"], "account_no": bank["a"]["account_no"], "role": "normal"},
               {"name": "测试乙", "cif_no": "T999", "mobile": "13900000009", "card_no": "6226190000000990001",
                "account_no": "1", "role": "normal"}]
    monkeypatch.setattr(core_demo, "DEMO_CALLERS", callers)
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=io.StringIO())  # idempotent
    text = out.getvalue()
    assert "ivr-gateway 令牌: " in text and bank["a"]["card_no"] in text and "258369" in text
    token = text.split("ivr-gateway 令牌: ")[1].split()[0]
    r = Client().post("/api/v1/ivr/calls", '{"caller": "13800138000"}', content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    from kefu.ivr.pins import verify_pin

    assert verify_pin(cif_no="T999", pin="258369", actor=None)["ok"] is True
