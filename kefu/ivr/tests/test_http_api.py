"""The HTTP session API walks whole calls: balance, transfer with a retried step, loss report, lockout,
hand-off context; bad input gets 4xx, never 500."""

from __future__ import annotations

import pytest

from kefu.common.testing import ApiClient

from .conftest import PIN, journals_with_key_prefix, sms


def texts(body) -> str:
    return "".join(p["text"] for p in body["prompts"])


def start(client, caller="13800138000"):
    r = client.post("/ivr/calls", {"caller": caller, "called": "95500"})
    assert r.status_code == 200, r.content
    return r.json()


def send(client, call_id, digits=None, **extra):
    payload = {"digits": digits, **extra} if digits is not None else extra
    r = client.post(f"/ivr/calls/{call_id}/input", payload)
    assert r.status_code == 200, r.content
    return r.json()


def login(client, bank, menu_keys=("1", "1")):
    body = start(client)
    call_id = body["call_id"]
    for key in menu_keys:
        body = send(client, call_id, key)
    assert "银行卡号或账号" in texts(body)
    body = send(client, call_id, bank["a"]["card_no"] + "#")
    assert "电话银行密码" in texts(body)
    assert body["expect"]["secret"] is True
    return call_id, send(client, call_id, PIN + "#")


@pytest.mark.django_db
def test_start_returns_contract(bank, gw_client):
    body = start(gw_client)
    assert set(body) >= {"call_id", "prompts", "expect"}
    assert body["expect"]["max_digits"] == 1 and body["expect"]["timeout_ms"] > 0
    assert "挂失请按3" in texts(body) and "人工服务请按0" in texts(body)
    assert all("audio_url" in p for p in body["prompts"])


@pytest.mark.django_db
def test_balance_read_back(bank, gw_client):
    call_id, body = login(gw_client, bank)
    spoken = texts(body)
    assert "验证通过" in spoken
    # 12,345.67 元 read back as digits: 12345 元 6 角 7 分
    assert "12345元6角7分" in spoken
    digits = [p.get("say_digits") for p in body["prompts"] if p.get("say_digits")]
    assert bank["a"]["account_no"][-4:] in digits and "12345" in digits
    # Sensitive prompts never get a (publicly served) audio file.
    assert all(p["audio_url"] is None for p in body["prompts"] if p.get("say_digits"))
    from kefu.ivr.models import IvrCall

    call = IvrCall.objects.get(call_id=call_id)
    assert call.verified and call.cif_no == bank["a"]["cif_no"]
    assert any(o["function"] == "balance" and o["outcome"] == "ok" for o in call.outcomes)


@pytest.mark.django_db
def test_transfer_with_retried_step_posts_once(bank, gw_client):
    call_id, body = login(gw_client, bank, menu_keys=("2",))
    assert "请选择收款人" in texts(body)
    body = send(gw_client, call_id, "1")
    assert "转账金额" in texts(body)
    body = send(gw_client, call_id, "100*5#")
    assert "转账人民币" in texts(body) and "100元5角" in texts(body)
    step = body["step"]
    confirmed = send(gw_client, call_id, "1", step=step)
    assert "转账成功" in texts(confirmed)
    # The PBX did not get the answer and resends the same step: same answer, no second posting.
    again = send(gw_client, call_id, "1", step=step)
    assert texts(again) == texts(confirmed)
    assert journals_with_key_prefix(f"ivr-{call_id}-xfer") == 1
    from kefu.corebank.sandbox import SandboxCoreBank

    account = SandboxCoreBank().get_account(bank["a"]["account_no"])
    assert account.balance_fen == 1_234_567 - 10_050


@pytest.mark.django_db
def test_transfer_above_threshold_needs_sms_code(bank, gw_client, settings):
    settings.KEFU_IVR_OTP_THRESHOLD_FEN = 100_00
    call_id, body = login(gw_client, bank, menu_keys=("2",))
    send(gw_client, call_id, "1")
    send(gw_client, call_id, "200#")
    body = send(gw_client, call_id, "1")
    assert "验证码" in texts(body)
    otp = sms("ivr.transfer_otp")
    assert len(otp) == 1
    body = send(gw_client, call_id, "000000#" if "000000" not in otp[0].body else "111111#")
    assert "验证码错误" in texts(body)
    code = otp[0].body.split("验证码")[1][:6]
    body = send(gw_client, call_id, code + "#")
    assert "转账成功" in texts(body)
    assert journals_with_key_prefix(f"ivr-{call_id}-xfer") == 1


@pytest.mark.django_db
def test_transfer_over_limit_is_refused(bank, gw_client):
    call_id, body = login(gw_client, bank, menu_keys=("2",))
    send(gw_client, call_id, "1")
    body = send(gw_client, call_id, "60000#")  # phone limit 50,000 per transaction
    assert "单笔限额" in texts(body)
    assert journals_with_key_prefix(f"ivr-{call_id}") == 0


@pytest.mark.django_db
def test_loss_report_freezes_and_opens_work_order(bank, gw_client):
    body = start(gw_client)
    call_id = body["call_id"]
    body = send(gw_client, call_id, "3")
    assert "挂失银行卡请按1" in texts(body)
    send(gw_client, call_id, "1")
    body = send(gw_client, call_id, bank["a"]["card_no"] + "#")
    assert "电话银行密码" in texts(body)
    body = send(gw_client, call_id, PIN + "#")
    assert "挂失后将立即冻结" in texts(body)
    body = send(gw_client, call_id, "1")
    assert "挂失成功" in texts(body)
    from kefu.corebank.models import Medium
    from kefu.workorders.models import WorkOrder

    assert Medium.objects.get(number=bank["a"]["card_no"]).status in {"lost", "frozen"}
    wo = WorkOrder.objects.get(source_ref__startswith=f"ivr:{call_id}")
    assert wo.channel == "ivr" and wo.kind == "service_request"
    assert len(sms("ivr.loss_reported")) == 1


@pytest.mark.django_db
def test_three_wrong_pins_lock_and_offer_agent(bank, gw_client):
    from kefu.audit.models import AuditEntry
    from kefu.ivr.models import PhoneBankingCredential

    body = start(gw_client)
    call_id = body["call_id"]
    send(gw_client, call_id, "1")
    send(gw_client, call_id, "1")
    send(gw_client, call_id, bank["a"]["card_no"] + "#")
    body = send(gw_client, call_id, "000001#")
    assert "还可以尝试2次" in texts(body)
    send(gw_client, call_id, "000002#")
    body = send(gw_client, call_id, "000003#")
    assert "已被锁定" in texts(body) and "转人工服务请按0" in texts(body)
    cred = PhoneBankingCredential.objects.get(cif_no=bank["a"]["cif_no"])
    assert cred.is_locked and cred.failed_attempts == 3
    assert AuditEntry.objects.filter(action="ivr.channel_locked").count() == 1
    # Even the right PIN is refused in a new call now.
    call2 = start(gw_client)["call_id"]
    send(gw_client, call2, "1")
    send(gw_client, call2, "1")
    body = send(gw_client, call2, bank["a"]["card_no"] + "#")
    assert "已被锁定" in texts(body)
    body = send(gw_client, call_id, "0")
    assert body["action"] == "transfer" and body["context"]["last_intent"] == "pin_locked"


@pytest.mark.django_db
def test_zero_hands_off_with_context(bank, gw_client):
    call_id, _ = login(gw_client, bank)
    body = send(gw_client, call_id, "0")
    assert body["action"] == "transfer"
    assert body["queue"] == "general"
    ctx = body["context"]
    assert ctx["verified"] is True and ctx["cif_no"] == bank["a"]["cif_no"]
    assert "account" in ctx["menu_path"] and ctx["last_intent"] == "balance"
    assert any(r["function"] == "balance" for r in ctx["results"])
    # The verified caller's kefu profile exists (synced from the core) so the agent's screen pops the 360.
    from kefu.customers.selectors import get_by_cif

    customer = get_by_cif(bank["a"]["cif_no"])
    assert customer is not None and ctx["customer_id"] == customer.pk
    r = gw_client.get(f"/ivr/calls/{call_id}/handoff")
    assert r.status_code == 200 and r.json()["verified"] is True and r.json()["customer_id"] == customer.pk
    r = gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": "1"})
    assert r.status_code == 409 and r.json()["code"] == "ivr.call_ended"


@pytest.mark.django_db
def test_long_queue_offers_callback(bank, gw_client, settings):
    settings.KEFU_IVR_QUEUE_LENGTHS = {"general": 25}
    body = start(gw_client)
    body = send(gw_client, body["call_id"], "0")
    assert "预约人工回电请按2" in texts(body)
    body = send(gw_client, body["call_id"], "2")
    assert body["action"] == "hangup" and body["disposition"] == "callback"
    from kefu.ivr.models import CallbackRequest

    cb = CallbackRequest.objects.get()
    assert cb.phone_masked == "138****8000" and cb.queue == "general"


@pytest.mark.django_db
def test_timeouts_and_retries_end_at_an_agent(bank, gw_client):
    body = start(gw_client)
    call_id = body["call_id"]
    body = send(gw_client, call_id, timeout=True)
    assert "您没有按键" in texts(body)
    send(gw_client, call_id, "7")
    body = send(gw_client, call_id, timeout=True)
    assert body["action"] == "transfer" and body["context"]["reason"] == "input_failed"


@pytest.mark.django_db
def test_survey_and_goodbye(bank, gw_client):
    body = start(gw_client)
    call_id = body["call_id"]
    body = send(gw_client, call_id, "9")
    assert "非常满意请按5" in texts(body)
    body = send(gw_client, call_id, "5")
    assert body["action"] == "hangup"
    from kefu.ivr.models import IvrCall

    assert IvrCall.objects.get(call_id=call_id).survey_score == 5


@pytest.mark.django_db
def test_bad_input_is_4xx(bank, gw_client):
    call_id = start(gw_client)["call_id"]
    assert gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": "12a"}).status_code == 422
    assert gw_client.post(f"/ivr/calls/{call_id}/input", {}).status_code == 422
    assert gw_client.post(f"/ivr/calls/{call_id}/input", raw="{not json").status_code == 400
    assert gw_client.post("/ivr/calls/nonexistent/input", {"digits": "1"}).status_code == 404
    assert gw_client.post("/ivr/calls/../x/input", {"digits": "1"}).status_code in {404, 422}
    assert gw_client.post("/ivr/calls", {"caller": "x" * 40}).status_code == 422
    assert gw_client.post("/ivr/calls", {"caller": "abc"}).status_code == 422
    assert gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": "1", "step": -1}).status_code == 422


@pytest.mark.django_db
def test_permissions(bank, org_tree, user_factory):
    anon = ApiClient()
    assert anon.post("/ivr/calls", {"caller": "1"}).status_code == 401
    clerk = ApiClient(user_factory("clerk_t", roles=["clerk"], unit=org_tree["CC"]))
    assert clerk.post("/ivr/calls", {"caller": "13800138000"}).status_code == 403
    trainee = ApiClient(user_factory("agent_x", roles=["agent"], unit=org_tree["CC"]))
    body = trainee.post("/ivr/calls", {"caller": "13800138000"}).json()
    from kefu.ivr.models import IvrCall

    assert IvrCall.objects.get(call_id=body["call_id"]).channel == "softphone"


@pytest.mark.django_db
def test_passbook_loss_by_account_number(bank, gw_client):
    from datetime import date

    from kefu.corebank.models import Medium

    Medium.objects.create(number="PB000000001", kind="passbook", customer=bank["a"]["customer"],
                          account=bank["a"]["account"], issued_at=date(2020, 1, 1))
    call_id = start(gw_client)["call_id"]
    send(gw_client, call_id, "3")
    send(gw_client, call_id, "2")
    body = send(gw_client, call_id, bank["a"]["account_no"] + "#")
    assert "电话银行密码" in texts(body)
    body = send(gw_client, call_id, PIN + "#")
    assert "存折" in texts(body)
    body = send(gw_client, call_id, "1")
    assert "挂失成功" in texts(body), texts(body)
    assert Medium.objects.get(number="PB000000001").status in {"lost", "frozen"}
    assert Medium.objects.get(number=bank["a"]["card_no"]).status == "active"
