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


def _recorded_wav(settings, text: str, samples: int, *, rate: int = 8000, level: int = 1000) -> None:
    from kefu.ivr import prompts

    folder = settings.KEFU_IVR_PROMPT_DIR / "recorded"
    folder.mkdir(parents=True, exist_ok=True)
    with wave.open(str(folder / f"{prompts.text_hash(text)}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(level.to_bytes(2, "little", signed=True) * samples)


def test_consecutive_audio_segments_play_as_one_joined_file(settings):
    """A menu's segments with audio go to Asterisk as one file (one round trip, no gap), up to a read-back
    of digits; the silent segments (no audio, customer data) go first as one line for the PBX's log."""
    from kefu.ivr import prompts
    from kefu.ivr.engine.types import D, Prompt, S

    _recorded_wav(settings, "您尾号", 800, level=1)
    _recorded_wav(settings, "的活期账户可用余额为人民币", 1200, level=2)
    _recorded_wav(settings, "元", 400, level=3)
    plan = prompts.playback_plan([S("尚无录音"), S("您尾号"), Prompt("王*明", sensitive=True),
                                  S("的活期账户可用余额为人民币"), D("1234"), S("元"), S("也没有")])
    assert [kind for kind, _ in plan] == ["verbose", "stream", "digits", "stream"]
    assert plan[0] == ("verbose", "尚无录音[…]也没有") and plan[2] == ("digits", "1234")
    assert "/joined/" in plan[1][1] and "/recorded/" in plan[3][1]  # a lone segment streams its own file
    joined = settings.KEFU_IVR_PROMPT_DIR / "joined" / (plan[1][1].rsplit("/", 1)[1] + ".wav")
    with wave.open(str(joined)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()) == (8000, 1, 2, 2000)
        frames = w.readframes(2000)
    assert frames[:2] == (1).to_bytes(2, "little") and frames[-2:] == (2).to_bytes(2, "little")  # in order

    # A segment re-recorded later makes a new joined file (once the in-process memory has expired).
    _recorded_wav(settings, "您尾号", 1600, level=1)
    prompts.forget_audio()
    again = prompts.playback_plan([S("您尾号"), S("的活期账户可用余额为人民币")])
    assert again[0][1] != plan[1][1]
    with wave.open(str(settings.KEFU_IVR_PROMPT_DIR / "joined" / (again[0][1].rsplit("/", 1)[1] + ".wav"))) as w:
        assert w.getnframes() == 2800


def test_segments_of_different_formats_stream_one_by_one(settings):
    from kefu.ivr import prompts
    from kefu.ivr.engine.types import S

    _recorded_wav(settings, "欢迎致电", 800)
    _recorded_wav(settings, "请按1", 800, rate=16000)  # a recording not converted to 8 kHz
    plan = prompts.playback_plan([S("欢迎致电"), S("请按1")])
    assert [kind for kind, _ in plan] == ["stream", "stream"]
    assert all("/recorded/" in arg for _, arg in plan)


def test_every_literal_phrase_of_the_engine_is_rendered_ahead_of_time():
    from kefu.ivr import prompts

    texts = set(prompts.static_texts())
    assert {"您将从尾号", "转账人民币", "，转出账户余额为人民币", "验证通过。"} <= texts
    assert not any("{" in t for t in texts)  # f-strings (customer data, counts) are not literals
