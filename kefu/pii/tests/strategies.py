"""Hypothesis strategies for Chinese identifiers: GB 11643 ID numbers, Luhn card numbers, mobile numbers."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from kefu.pii.checks import id_check_char, luhn_check_digit

REGION_CODES = ["110101", "110105", "310104", "440305", "510107", "330106", "320102", "420111"]


@st.composite
def id_numbers(draw) -> str:
    region = draw(st.sampled_from(REGION_CODES))
    birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


@st.composite
def card_numbers(draw) -> str:
    prefix = draw(st.sampled_from(["62", "4", "51", "6222", "6217", "6228"]))
    length = draw(st.integers(min_value=16, max_value=19))
    body = prefix + draw(st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)))
    return body + luhn_check_digit(body)


@st.composite
def mobiles(draw) -> str:
    second = draw(st.sampled_from("3456789"))
    rest = draw(st.text("0123456789", min_size=9, max_size=9))
    return f"1{second}{rest}"


def grouped_card(number: str, sep: str) -> str:
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


def grouped_mobile(number: str, sep: str) -> str:
    return f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"


# Text around a number: Chinese, ASCII words and punctuation, never digits (they would change the number).
surrounding = st.text(
    alphabet=st.sampled_from(list("客户来电称卡号身份证手机尾号是为，。：:=() abcXYZ-#/\n")), max_size=12
).filter(lambda s: not s.endswith(("-", " ")) and not s.startswith(("-", " ")))
