"""Validators that keep C3 data (PINs, CVV/CVN2, card track data, passwords) out of storage."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .checks import is_valid_id_number, is_valid_mobile, luhn_checksum_ok

# Track 2 equivalent: PAN, '=' separator, YYMM expiry, service code (ISO/IEC 7813).
_TRACK2_RE = re.compile(r";?\d{13,19}=\d{4}\d{3}\d*\??")
# Track 1: %B PAN ^ NAME ^ YYMM ...
_TRACK1_RE = re.compile(r"%?B\d{13,19}\^[^^]{2,26}\^\d{4}")
_CVV_RE = re.compile(r"(?:cvv2?|cvn2?|cvc2?|安全码|校验码|卡背后?三位)\s*[:：是为]?\s*\d{3,4}", re.IGNORECASE)
_PIN_RE = re.compile(r"(?:pin|密码|口令)\s*[:：是为]?\s*\d{4,8}(?!\d)", re.IGNORECASE)


def find_c3(text: str) -> str | None:
    """The kind of C3 data found in free text, or None."""
    if not text:
        return None
    if _TRACK1_RE.search(text) or _TRACK2_RE.search(text):
        return "track_data"
    if _CVV_RE.search(text):
        return "cvv"
    if _PIN_RE.search(text):
        return "pin"
    return None


def reject_c3(value: str) -> None:
    kind = find_c3(value)
    if kind:
        raise ValidationError(
            _("内容疑似包含卡片磁道、安全码或密码等C3类信息，按规定不得保存，请删除后再提交。"),
            code=f"pii.c3_{kind}",
        )


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(_("身份证号码无效（GB 11643 校验未通过）"), code="pii.invalid_id_number")


def validate_mobile(value: str) -> None:
    if not is_valid_mobile(value):
        raise ValidationError(_("手机号码格式不正确"), code="pii.invalid_mobile")


def validate_card_number(value: str) -> None:
    digits = re.sub(r"[\s-]", "", value)
    if not (digits.isdigit() and 13 <= len(digits) <= 19 and luhn_checksum_ok(digits)):
        raise ValidationError(_("卡号无效（Luhn 校验未通过）"), code="pii.invalid_card_number")
