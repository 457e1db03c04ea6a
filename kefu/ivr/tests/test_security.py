"""PINs: argon2 hashes only, never in the call record, the audit trail or logs; weak PINs refused."""

from __future__ import annotations

import logging

import pytest

from kefu.common.errors import ValidationFailed

from .conftest import PIN


@pytest.mark.django_db
def test_pin_never_stored_logged_or_audited(bank, gw_client, caplog):
    from kefu.audit.models import AuditEntry
    from kefu.ivr.models import IvrCall, PhoneBankingCredential

    caplog.set_level(logging.DEBUG)
    call_id = gw_client.post("/ivr/calls", {"caller": "13800138000"}).json()["call_id"]
    for digits in ("1", "1", bank["a"]["card_no"] + "#", "999999#", PIN + "#"):
        assert gw_client.post(f"/ivr/calls/{call_id}/input", {"digits": digits}).status_code == 200
    cred = PhoneBankingCredential.objects.get(cif_no=bank["a"]["cif_no"])
    assert cred.pin_hash.startswith("$argon2id$") and PIN not in cred.pin_hash
    call = IvrCall.objects.get(call_id=call_id)
    stored = " ".join(str(v) for v in (call.state, call.path, call.outcomes, call.last_output, call.handoff))
    assert PIN not in stored and "999999" not in stored
    assert "auth:****" in call.path
    audit = " ".join(f"{e.changes} {e.reason} {e.object_repr}" for e in AuditEntry.objects.all())
    assert PIN not in audit and "999999" not in audit
    assert AuditEntry.objects.filter(action="ivr.pin_failed").count() == 1
    assert PIN not in caplog.text and "999999" not in caplog.text
    # The card number is C2: masked in the audit trail.
    assert bank["a"]["card_no"] not in audit


@pytest.mark.django_db
def test_weak_or_malformed_pins_refused(bank):
    from kefu.ivr.pins import set_phone_pin

    for bad in ("111111", "123456", "12345", "abcdef", "654321"):
        with pytest.raises(ValidationFailed):
            set_phone_pin(cif_no=bank["a"]["cif_no"], pin=bad, actor=None)


@pytest.mark.django_db
def test_unlock_resets_the_channel(bank):
    from kefu.ivr.pins import unlock_phone_channel, verify_pin

    for _ in range(3):
        verify_pin(cif_no=bank["a"]["cif_no"], pin="000001", actor=None)
    assert verify_pin(cif_no=bank["a"]["cif_no"], pin=PIN, actor=None)["locked"] is True
    with pytest.raises(ValidationFailed):
        unlock_phone_channel(cif_no=bank["a"]["cif_no"], actor=None, reason=" ")
    unlock_phone_channel(cif_no=bank["a"]["cif_no"], actor=None, reason="客户临柜核实身份")
    assert verify_pin(cif_no=bank["a"]["cif_no"], pin=PIN, actor=None)["ok"] is True


@pytest.mark.django_db
def test_a_correct_pin_resets_the_count_of_wrong_ones(bank):
    from kefu.ivr.models import PhoneBankingCredential
    from kefu.ivr.pins import verify_pin

    cif = bank["a"]["cif_no"]
    for _ in range(2):
        assert verify_pin(cif_no=cif, pin="000000", actor=None)["ok"] is False
    assert verify_pin(cif_no=cif, pin=PIN, actor=None)["ok"] is True
    assert PhoneBankingCredential.objects.get(cif_no=cif).failed_attempts == 0
    # Two more wrong ones do not lock: the limit counts consecutive failures.
    for _ in range(2):
        result = verify_pin(cif_no=cif, pin="000000", actor=None)
    assert result["locked"] is False and result["remaining"] == 1
    assert verify_pin(cif_no=cif, pin=PIN, actor=None)["ok"] is True  # a login that changes nothing
