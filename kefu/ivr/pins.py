"""Phone-banking PINs: argon2id hashes only, attempts counted and the channel locked per customer.

The PIN itself is never stored, logged or audited (audit rows say "****"). Verification is slow on
purpose; the lock is persisted so it holds across calls and app servers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.db import transaction
from django.utils import timezone

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import NotFound, ValidationFailed

from . import conf
from .models import PhoneBankingCredential

MASK = "****"
logger = logging.getLogger("kefu.ivr")


def _hasher() -> PasswordHasher:
    return PasswordHasher(**conf.pin_hash_params())


def check_pin_format(pin: str) -> None:
    n = conf.pin_length()
    if not (isinstance(pin, str) and pin.isdigit() and len(pin) == n):
        raise ValidationFailed(f"电话银行密码须为{n}位数字", code="ivr.pin_format", fields={"pin": "format"})
    ascending = "01234567890123"
    if len(set(pin)) == 1 or pin in ascending or pin in ascending[::-1]:
        raise ValidationFailed("电话银行密码过于简单（相同或连续数字）", code="ivr.pin_weak", fields={"pin": "weak"})


def set_phone_pin(*, cif_no: str, pin: str, actor: Any) -> PhoneBankingCredential:
    """Set (or reset) a customer's phone-banking PIN; unlocks the channel."""
    check_pin_format(pin)
    pin_hash = _hasher().hash(pin)
    with transaction.atomic():
        cred = PhoneBankingCredential.objects.select_for_update().filter(cif_no=cif_no).first()
        now = timezone.now()
        if cred is None:
            cred = PhoneBankingCredential.objects.create(cif_no=cif_no, pin_hash=pin_hash, pin_set_at=now)
        else:
            cred.pin_hash, cred.pin_set_at, cred.failed_attempts, cred.locked_at, cred.locked_reason = (
                pin_hash, now, 0, None, "")
            cred.save(update_fields=["pin_hash", "pin_set_at", "failed_attempts", "locked_at", "locked_reason",
                                     "updated_at"])
        record(actor=actor, action="ivr.pin_set", obj=cred, changes={"pin": MASK}, kind=AuditKind.AUTH)
    return cred


def precheck(*, cif_no: str, pin: str, verifier: Callable[[str, str], bool] | None = None) -> dict[str, Any] | None:
    """The argon2 verification done without any lock: ``{"cif_no", "pin_hash", "ok"}`` or None.

    ``verifier(pin_hash, pin)`` does the hashing elsewhere (the FastAGI server's low-priority processes,
    ``kefu.ivr.pinhash``); when it fails the result is None and :func:`verify_pin` hashes itself."""
    pin_hash = PhoneBankingCredential.objects.filter(cif_no=cif_no).values_list("pin_hash", flat=True).first()
    if not pin_hash:
        return None
    if verifier is not None:
        try:
            ok = bool(verifier(pin_hash, pin))
        except Exception:
            logger.warning("PIN hash worker failed; the step verifies the PIN itself", exc_info=True)
            return None
        return {"cif_no": cif_no, "pin_hash": pin_hash, "ok": ok}
    try:
        ok = _hasher().verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        ok = False
    return {"cif_no": cif_no, "pin_hash": pin_hash, "ok": ok}


def verify_pin(*, cif_no: str, pin: str, actor: Any, call_id: str = "",
               precheck: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"ok", "locked", "remaining", "cif_no"}``; every attempt is audited, the third failure locks.

    ``precheck`` (from :func:`precheck`, computed before the caller took its locks) is trusted only when it
    was made against the credential's current hash."""
    # No savepoint of its own inside a caller's transaction (an IVR step runs each effect in one already):
    # an error here rolls back with the caller's block.
    with transaction.atomic(savepoint=False):
        cred = PhoneBankingCredential.objects.select_for_update().filter(cif_no=cif_no).first()
        if cred is None:
            return {"ok": False, "locked": False, "remaining": 0, "no_pin": True, "cif_no": cif_no}
        if cred.is_locked:
            record(actor=actor, action="ivr.pin_refused_locked", obj=cred, changes={"pin": MASK, "call": call_id},
                   kind=AuditKind.AUTH)
            return {"ok": False, "locked": True, "remaining": 0, "cif_no": cif_no}
        hasher = _hasher()
        if precheck and precheck.get("cif_no") == cif_no and precheck.get("pin_hash") == cred.pin_hash:
            ok = bool(precheck["ok"])
        else:
            try:
                ok = hasher.verify(cred.pin_hash, pin)
            except (VerificationError, InvalidHashError):
                ok = False
        max_attempts = conf.pin_max_attempts()
        if ok:
            fields = ["failed_attempts", "updated_at"] if cred.failed_attempts else []
            cred.failed_attempts = 0
            if hasher.check_needs_rehash(cred.pin_hash):
                cred.pin_hash = hasher.hash(pin)
                fields += ["pin_hash", "updated_at"]
            if fields:  # the usual login changes nothing: no UPDATE (the row stays locked to the commit)
                cred.save(update_fields=sorted(set(fields)))
            record(actor=actor, action="ivr.pin_verified", obj=cred, changes={"pin": MASK, "call": call_id},
                   kind=AuditKind.AUTH)
            return {"ok": True, "locked": False, "remaining": max_attempts, "cif_no": cif_no}
        cred.failed_attempts += 1
        fields = ["failed_attempts", "updated_at"]
        locked = cred.failed_attempts >= max_attempts
        if locked:
            cred.locked_at, cred.locked_reason = timezone.now(), f"电话银行密码连续错误{cred.failed_attempts}次"
            fields += ["locked_at", "locked_reason"]
        cred.save(update_fields=fields)
        record(actor=actor, action="ivr.pin_failed", obj=cred,
               changes={"pin": MASK, "failed_attempts": cred.failed_attempts, "call": call_id}, kind=AuditKind.AUTH)
        if locked:
            record(actor=actor, action="ivr.channel_locked", obj=cred,
                   changes={"locked": [False, True]}, reason=cred.locked_reason, kind=AuditKind.AUTH)
        return {"ok": False, "locked": locked, "remaining": max(0, max_attempts - cred.failed_attempts),
                "cif_no": cif_no}


def unlock_phone_channel(*, cif_no: str, actor: Any, reason: str) -> PhoneBankingCredential:
    with transaction.atomic():
        cred = PhoneBankingCredential.objects.select_for_update().filter(cif_no=cif_no).first()
        if cred is None:
            raise NotFound()
        if not reason.strip():
            raise ValidationFailed("请说明解锁理由", fields={"reason": "required"})
        was = cred.is_locked
        cred.failed_attempts, cred.locked_at, cred.locked_reason = 0, None, ""
        cred.save(update_fields=["failed_attempts", "locked_at", "locked_reason", "updated_at"])
        record(actor=actor, action="ivr.channel_unlocked", obj=cred, changes={"locked": [was, False]},
               reason=reason, kind=AuditKind.AUTH)
    return cred


def credential_state(cif_no: str) -> dict[str, bool]:
    cred = PhoneBankingCredential.objects.filter(cif_no=cif_no).only("locked_at").first()
    return {"has_pin": cred is not None, "locked": bool(cred and cred.is_locked)}
