"""Property tests for the identifiers the profile validates and masks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.customers.errors import CustomerInvalid
from kefu.customers.services.fields import clean_id, clean_mobile, masked
from kefu.customers.templatetags.customer_tags import yuan
from kefu.pii.checks import id_check_char, is_valid_card_number, luhn_check_digit
from kefu.pii.masking import mask_card

AREA = st.sampled_from(["110101", "310104", "440305", "510107", "650102"])
BIRTH = st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31))


@st.composite
def id_numbers(draw):
    first17 = draw(AREA) + draw(BIRTH).strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


@given(id_numbers())
@settings(max_examples=200, deadline=None)
def test_valid_ids_pass_and_mask_hides_birth_date(value):
    assert clean_id("id_card", value.lower()) == value
    m = masked("id_number", value)
    assert m[:6] == value[:6] and m[-4:] == value[-4:] and len(m) == 18
    assert value[6:14] not in m


@given(id_numbers(), st.integers(0, 16), st.integers(1, 9))
@settings(max_examples=200, deadline=None)
def test_any_single_digit_error_in_an_id_is_caught(value, pos, delta):
    # MOD 11-2 detects every single-digit substitution.
    wrong = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    with pytest.raises(CustomerInvalid):
        clean_id("id_card", wrong)


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9),
       st.sampled_from(["", "+86", "0086", "+86 "]))
def test_mobiles_normalise_and_mask(second, rest, prefix):
    number = "1" + second + rest
    assert clean_mobile(prefix + number[:3] + "-" + number[3:]) == number
    m = masked("mobile", number)
    assert m == number[:3] + "****" + number[-4:]


@given(st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_short_or_wrong_mobiles_are_refused(digits):
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return
    with pytest.raises(CustomerInvalid):
        clean_mobile(digits)


@given(st.text(alphabet="0123456789", min_size=12, max_size=18), st.integers(1, 9))
def test_cards_luhn_valid_and_masked_first4_last4(partial, delta):
    card = partial + luhn_check_digit(partial)
    assert is_valid_card_number(card)
    last = str((int(card[-1]) + delta) % 10)
    assert not is_valid_card_number(card[:-1] + last)
    m = mask_card(card)
    assert m.startswith(card[:4]) and m.endswith(card[-4:]) and card[4:-4] not in m.replace(" ", "") or len(card) <= 8


@given(st.integers(-10**12, 10**12))
def test_yuan_formats_fen_exactly(fen):
    text = yuan(fen)
    assert int(text.replace(",", "").replace(".", "")) == fen
