"""Fixtures of the core-bank tests: a small ledger built through the same functions the demo uses."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.corebank import fakes
from kefu.corebank.ledger import Line, internal_account, lock_accounts, post_journal
from kefu.corebank.models import CifCustomer, LedgerAccount, Medium, RegisteredPayee
from kefu.corebank.sandbox import SandboxCoreBank
from kefu.corebank.setup import seed


def make_customer(serial: int, *, balance_fen: int = 1_000_000, branch: str = "BR-DC-01") -> dict:
    """A customer with a savings account funded from cash, a debit card and nothing else."""
    customer = CifCustomer.objects.create(
        cif_no=fakes.cif_no(serial, "T"), name=f"测试{serial}", id_number=fakes.id_number(
            __import__("random").Random(serial), date(1980, 1, 1)), mobile=fakes.mobile(serial),
        home_branch_code=branch, birth_date=date(1980, 1, 1))
    account = LedgerAccount.objects.create(account_no=fakes.account_no(serial, 1), customer=customer, kind="savings",
                                           opened_at=date(2020, 1, 1), branch_code=branch)
    card = Medium.objects.create(number=fakes.debit_card_no(serial), kind="debit", customer=customer,
                                 account=account, issued_at=date(2020, 1, 1), expires="12/29")
    if balance_fen:
        fund(account, balance_fen)
    account.refresh_from_db()
    return {"customer": customer, "account": account, "card": card}


def fund(account: LedgerAccount, amount_fen: int) -> None:
    cash = internal_account("GL-CASH")
    with transaction.atomic():
        _fund(account, cash, amount_fen)


def _fund(account: LedgerAccount, cash: LedgerAccount, amount_fen: int) -> None:
    locked = lock_accounts([account.pk, cash.pk])
    post_journal(lines=[Line(locked[account.pk], amount_fen, "现金存入"), Line(locked[cash.pk], -amount_fen, "现金存入")],
                 kind="deposit", channel="counter", description="现金存入", posted_at=timezone.now())


def register_payee(owner: dict, target: dict, *, suffix: int = 0) -> RegisteredPayee:
    return RegisteredPayee.objects.create(
        payee_id=f"P{owner['customer'].pk:06d}{target['customer'].pk:04d}{suffix}", customer=owner["customer"],
        name=target["customer"].name, account_no=target["account"].account_no, bank_name="本行",
        registered_at=timezone.now())


@pytest.fixture
def core(db):
    seed()
    return SandboxCoreBank()


@pytest.fixture
def pair(core):
    """Two funded customers; A has B registered as payee."""
    a = make_customer(1, balance_fen=1_000_000)
    b = make_customer(2, balance_fen=500_000)
    payee = register_payee(a, b)
    return {"a": a, "b": b, "payee": payee}
