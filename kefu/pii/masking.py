"""The one masking module: every PII value shown, logged or audited goes through here.

Conventions (JR/T 0171 C2 data masked by default): ID ``110101********1234``, mobile ``138****5678``,
card/account ``6222 **** **** 1234``, name ``张*`` / ``张*三``, email ``z***@example.com``.
"""

from __future__ import annotations

import re
from typing import Any

from .checks import ID_CHECK_CHARS, id_check_char, luhn_checksum_ok

# Field names whose values are PII wherever they appear (audit changes, API payloads, logs).
PII_FIELD_KINDS = {
    "id_number": "id", "id_no": "id", "id_card": "id",
    "phone": "mobile", "mobile": "mobile", "sms_phone": "mobile", "caller": "mobile", "contact_phone": "mobile",
    "card_number": "card", "card_no": "card", "account_number": "card", "account_no": "card", "pan": "card",
    "name": "name", "customer_name": "name", "full_name": "name", "contact_name": "name",
    "email": "email", "contact_email": "email",
    "address": "address",
}
# C3 data: never stored or shown. If such a field ever reaches the audit layer it is dropped entirely.
C3_FIELD_NAMES = {"pin", "password", "cvv", "cvv2", "cvn2", "track", "track_data", "expiry", "otp", "otp_code"}


def mask_id_number(value: str) -> str:
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_mobile(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_card(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_name(value: str) -> str:
    v = value.strip()
    if len(v) <= 1:
        return v
    if len(v) == 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return "***"
    return (local[:1] or "*") + "***@" + domain


def mask_address(value: str) -> str:
    v = value.strip()
    return v[:6] + "****" if len(v) > 6 else "****"


MASKERS = {
    "id": mask_id_number,
    "mobile": mask_mobile,
    "card": mask_card,
    "name": mask_name,
    "email": mask_email,
    "address": mask_address,
}


def mask_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    return MASKERS[kind](str(value))


# Free-text detection: a run of 13-19 digits (optionally grouped) that passes Luhn, an 18-character ID
# whose check character is right, and an 11-digit mobile number not part of a longer number.
_CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Letters next to a number do not protect it ("ID110101...", "tel13812345678" are still PII).
_ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
# Mobiles also as people write them: 138 1234 5678, 138-1234-5678, +86 138...
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_DIGIT_RE = re.compile(r"\d")  # text without one cannot hold any of the three


def _mask_card_match(m: re.Match[str]) -> str:
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE_RE.fullmatch(digits[2:]):
        return "86" + mask_mobile(digits[2:])  # +86 and a mobile, whatever Luhn says
    if 13 <= len(digits) <= 19 and luhn_checksum_ok(digits):
        return mask_card(digits)
    return raw


def _mask_id_match(m: re.Match[str]) -> str:
    raw = m.group(0)
    upper = raw.upper()
    if upper[17] in ID_CHECK_CHARS and id_check_char(upper[:17]) == upper[17]:
        return mask_id_number(raw)
    return raw


def _mask_mobile_match(m: re.Match[str]) -> str:
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw)[-11:]
    return mask_mobile(digits)


def mask_text(text: str) -> str:
    """Mask every checksum-valid ID, Luhn-valid card number and mobile number inside free text."""
    if not text or not _DIGIT_RE.search(text):  # each pattern below needs a \d (audit values are mostly words)
        return text
    text = _ID_RE.sub(_mask_id_match, text)
    text = _CARD_RE.sub(_mask_card_match, text)
    return _MOBILE_RE.sub(_mask_mobile_match, text)


def is_secret_field(name: str) -> bool:
    """C3 or credential field names, also with suffixes: ``password1``, ``new_pin``, ``api_token``, ``cvv2``."""
    key = name.lower()
    return (key in C3_FIELD_NAMES or key in {"track1", "track2", "pin_block"} or key.startswith("pin_")
            or key.endswith(("_pin", "_otp", "token_hash"))
            or any(part in key for part in ("password", "passwd", "secret", "cvv", "cvn2")))


def mask_for_audit(field: str, value: Any) -> Any:
    """Mask a value for storage in the audit trail, recursing into dicts and lists by field name."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = str(k)
            if is_secret_field(key):
                out[key] = "[C3 removed]"
            else:
                out[key] = mask_for_audit(key, v)
        return out
    if isinstance(value, (list, tuple)):
        return [mask_for_audit(field, v) for v in value]
    kind = PII_FIELD_KINDS.get(field.lower())
    if kind and isinstance(value, str):
        return mask_value(kind, value)
    if isinstance(value, str):
        return mask_text(value)
    return value
