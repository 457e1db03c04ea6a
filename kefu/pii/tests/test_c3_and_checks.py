from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kefu.pii.checks import (
    birth_date_from_id,
    id_check_char,
    is_valid_card_number,
    is_valid_id_number,
    is_valid_mobile,
    luhn_check_digit,
)
from kefu.pii.validators import find_c3, reject_c3, validate_card_number, validate_id_number, validate_mobile


@pytest.mark.parametrize("text, kind", [
    (";6222021234567894=25121010000012345678?", "track_data"),
    ("6222021234567894=2512101123456", "track_data"),
    ("%B6222021234567894^ZHANG/SAN^2512101000000000", "track_data"),
    ("CVV 123", "cvv"),
    ("cvv2:456", "cvv"),
    ("卡背后三位是789", "cvv"),
    ("安全码：1234", "cvv"),
    ("密码是123456", "pin"),
    ("客户说他的密码 888888 忘了", "pin"),
    ("PIN: 0000", "pin"),
    ("查询口令为2468", "pin"),
])
def test_c3_is_rejected(text, kind):
    assert find_c3(text) == kind
    with pytest.raises(ValidationError) as excinfo:
        reject_c3(text)
    assert excinfo.value.code == f"pii.c3_{kind}"


@pytest.mark.parametrize("text", [
    "客户来电咨询信用卡账单，卡号尾号1234，金额500元",
    "客户要求重置密码，已指引至柜台办理",
    "工单号 TS20261122000123，处理时限15个工作日",
    "卡号 6222021234567894 被吞，地点东城分行营业部",
    "",
])
def test_ordinary_text_passes(text):
    reject_c3(text)


def test_id_numbers():
    assert is_valid_id_number("11010519491231002X") and is_valid_id_number("11010519491231002x")
    assert not is_valid_id_number("110105194912310021")  # wrong check character
    assert not is_valid_id_number("110105194913310028")  # month 13
    assert not is_valid_id_number("1101051949123100")
    assert id_check_char("11010519491231002") == "X"
    assert str(birth_date_from_id("11010519491231002X")) == "1949-12-31"
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")


def test_cards_and_mobiles():
    assert is_valid_card_number("4111 1111 1111 1111") and not is_valid_card_number("4111111111111112")
    assert luhn_check_digit("622202123456789") == "4"
    assert is_valid_mobile("+86 138-1234-5678") and not is_valid_mobile("12812345678")
    with pytest.raises(ValidationError):
        validate_card_number("6222021234567890")
    with pytest.raises(ValidationError):
        validate_mobile("1381234567")
