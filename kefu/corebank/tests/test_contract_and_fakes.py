"""The OpenAPI file, the sandbox router and the dataclasses describe one contract; fake numbers are valid."""

import dataclasses
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.corebank import adapter, fakes
from kefu.pii.checks import is_valid_card_number, is_valid_id_number, is_valid_mobile, luhn_check_digit

OPENAPI = Path(__file__).resolve().parents[3] / "docs" / "corebank-openapi.yaml"


def _spec() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def test_every_documented_operation_is_served_and_vice_versa():
    from kefu.corebank.api import router

    served = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    documented = {(method, path) for path, ops in _spec()["paths"].items() for method in ops}
    assert served == documented


@pytest.mark.parametrize("cls", [adapter.CoreCustomer, adapter.Account, adapter.Card, adapter.Transaction,
                                 adapter.Payee, adapter.TransferResult, adapter.LossReport, adapter.RateItem,
                                 adapter.FeeItem, adapter.Limits])
def test_documented_schemas_match_the_dataclasses(cls):
    schema = _spec()["components"]["schemas"][cls.__name__]
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(cls)}
    required_fields = {f.name for f in dataclasses.fields(cls)
                       if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert set(schema.get("required", [])) == required_fields


def test_documented_error_codes_exist():
    text = OPENAPI.read_text(encoding="utf-8")
    for cls in (adapter.LimitExceeded, adapter.InsufficientFunds, adapter.MediumFrozen, adapter.NotRegisteredPayee,
                adapter.UnknownObject, adapter.IdempotencyConflict, adapter.InvalidState, adapter.InvalidRequest):
        assert cls.code in text, cls.code


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_fast_luhn_matches_the_reference(partial):
    assert fakes.fast_luhn_digit(partial) == luhn_check_digit(partial)


@given(serial=st.integers(min_value=1, max_value=999_999_999), index=st.integers(min_value=0, max_value=99))
def test_generated_numbers_are_valid(serial, index):
    assert is_valid_card_number(fakes.debit_card_no(serial, index))
    assert is_valid_card_number(fakes.credit_card_no(serial))
    assert is_valid_mobile(fakes.mobile(serial))
    assert len(fakes.debit_card_no(serial, index)) == 19 and len(fakes.credit_card_no(serial)) == 16


@given(seed=st.integers(min_value=0, max_value=2**32), elderly=st.booleans())
def test_generated_identities_are_valid(seed, elderly):
    rng = random.Random(seed)
    today = date(2026, 11, 22)
    birth = fakes.birth_date(rng, today, elderly=elderly)
    number = fakes.id_number(rng, birth)
    assert is_valid_id_number(number)
    assert number[6:14] == birth.strftime("%Y%m%d")
    assert ((today - birth).days >= 65 * 365) == elderly
    name = fakes.chinese_name(rng)
    assert 2 <= len(name) <= 3


def test_bulk_identities_are_deterministic():
    from kefu.corebank import bulk

    assert bulk.customer_identity(42) == bulk.customer_identity(42)
    assert bulk.customer_identity(42)["cif_no"] != bulk.customer_identity(43)["cif_no"]
    assert is_valid_id_number(bulk.customer_identity(7)["id_number"])
