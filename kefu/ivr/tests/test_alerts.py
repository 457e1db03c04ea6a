"""短信通: a ledger posting at or above the threshold queues one non-urgent SMS; below it, none."""

from __future__ import annotations

import pytest

from .conftest import PIN, sms


@pytest.mark.django_db(transaction=True)
def test_posting_above_threshold_queues_sms_once(bank, gw_client):
    from kefu.corebank.sandbox import SandboxCoreBank
    from kefu.ivr.alerts import subscribe

    b = bank["b"]
    subscribe(cif_no=b["cif_no"], account_no=b["account_no"], mobile=b["mobile"], threshold_fen=50_00, actor=None)
    core = SandboxCoreBank()
    core.transfer(from_account_no=bank["a"]["account_no"], payee_id="PAYEE-A-B", amount_fen=10_00,
                  idempotency_key="t-small", channel="counter")
    assert sms("ivr.txn_alert") == []
    core.transfer(from_account_no=bank["a"]["account_no"], payee_id="PAYEE-A-B", amount_fen=80_00,
                  idempotency_key="t-big", channel="counter")
    alerts = sms("ivr.txn_alert")
    assert len(alerts) == 1
    assert alerts[0].urgent is False and "收入" in alerts[0].body and "80.00" in alerts[0].body
    assert alerts[0].to_masked.endswith(b["mobile"][-4:])
    # A replayed transfer sends no second signal/SMS.
    core.transfer(from_account_no=bank["a"]["account_no"], payee_id="PAYEE-A-B", amount_fen=80_00,
                  idempotency_key="t-big", channel="counter")
    assert len(sms("ivr.txn_alert")) == 1


@pytest.mark.django_db
def test_subscribe_by_phone(bank, gw_client):
    call_id = gw_client.post("/ivr/calls", {"caller": "13800138000"}).json()["call_id"]
    for digits in ("5", bank["a"]["card_no"] + "#", PIN + "#", "1"):
        gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": digits})
    body = gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": "200#"}).json()
    assert "开通短信通" in "".join(p["text"] for p in body["prompts"])
    from kefu.ivr.models import AlertSubscription

    sub = AlertSubscription.objects.get(cif_no=bank["a"]["cif_no"])
    assert sub.threshold_fen == 200_00 and sub.active and sub.mobile_masked.endswith(bank["a"]["mobile"][-4:])
