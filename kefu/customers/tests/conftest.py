"""Fixtures of the customers tests: a fake core bank with two customers, users of several units."""

from __future__ import annotations

import pytest

from kefu.customers.services import sync_customer_from_core

from .fakes import FakeCoreBank, make_core_customer

CARD_DC = "6222020200112233445"  # Luhn-valid
CARD_XC = "6222020200998877665"


def _luhn_fix(prefix: str) -> str:
    from kefu.pii.checks import luhn_check_digit

    return prefix + luhn_check_digit(prefix)


@pytest.fixture
def fake_bank(monkeypatch):
    bank = FakeCoreBank()
    bank.add(make_core_customer("C0001", name="王建国", id_number="11010519491231002X", mobile="13912345678",
                                branch="BR-DC-01"),
             account_no="6217000010001234", card_no=_luhn_fix("622202020011223344"))
    bank.add(make_core_customer("C0002", name="李小梅", id_number="110101198506152348", mobile="13600001111",
                                branch="BR-XC-02"),
             account_no="6217000010005678", card_no=_luhn_fix("622202020099887766"))
    monkeypatch.setattr("kefu.corebank.adapter.get_core_bank", lambda: bank)
    return bank


@pytest.fixture
def customers(org_tree, fake_bank):
    return {cif: sync_customer_from_core(cif_no=cif, actor=None) for cif in ("C0001", "C0002")}


@pytest.fixture
def people(org_tree, user_factory):
    return {
        "agent": user_factory("c_agent", roles=["agent"], unit=org_tree["CC"]),
        "agent2": user_factory("c_agent2", roles=["agent"], unit=org_tree["CC"]),
        "lead": user_factory("c_lead", roles=["shift_lead"], unit=org_tree["CC"]),
        "director": user_factory("c_director", roles=["center_director"], unit=org_tree["CC"]),
        "dc_manager": user_factory("c_dc_manager", roles=["branch_complaint_manager"], unit=org_tree["BR-DC"]),
        "xc_manager": user_factory("c_xc_manager", roles=["branch_complaint_manager"], unit=org_tree["BR-XC"]),
        "risk": user_factory("c_risk", roles=["department_handler"], unit=org_tree["HO-RISK"]),
        "card_dept": user_factory("c_card", roles=["department_handler"], unit=org_tree["HO-CARD"]),
        "auditor": user_factory("c_auditor", roles=["compliance_auditor"], unit=org_tree["HO"]),
    }
