"""Validity checks for Chinese identifiers: GB 11643 ID numbers, Luhn card numbers, mobile numbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character."""
    value = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > datetime.now(tz=ZoneInfo("Asia/Shanghai")).date():
        return False
    return id_check_char(value[:17]) == value[17]


def birth_date_from_id(value: str) -> date | None:
    if not is_valid_id_number(value):
        return None
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def luhn_checksum_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    for c in "0123456789":
        if luhn_checksum_ok(partial + c):
            return c
    raise AssertionError("unreachable")


def is_valid_card_number(value: str) -> bool:
    digits = re.sub(r"[\s-]", "", value)
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn_checksum_ok(digits)


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.fullmatch(normalize_mobile(value)))


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits
