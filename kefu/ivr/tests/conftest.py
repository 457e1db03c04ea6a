"""IVR test fixtures: the real sandbox core with two customers, the seeded default flow, a PIN, the
ivr-gateway service account, and helpers to inspect notifications and work orders."""

from __future__ import annotations

import importlib
import random
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.common.testing import ApiClient, make_user

PIN = "135790"
PIN_B = "246801"


@pytest.fixture(autouse=True)
def _ivr_settings(settings, tmp_path):
    # Cheap argon2 parameters for tests (the production default is 19 MiB, t=2).
    settings.KEFU_IVR_PIN_HASH = {"time_cost": 1, "memory_cost": 64, "parallelism": 1}
    settings.KEFU_IVR_PROMPT_DIR = tmp_path / "prompts"
    settings.KEFU_IVR_QUEUE_LENGTHS = {}
    settings.KEFU_IVR_OTP_THRESHOLD_FEN = 5_000_00
    settings.KEFU_SMS_GATEWAY = "console"
    settings.KEFU_IVR_ESPEAK = "espeak-ng-disabled-in-tests"  # prompts are text-only and deterministic
    from kefu.ivr.flows import store

    store._compiled.cache_clear()
    from kefu.ivr.effects import forget_info

    forget_info()  # (the flow version remembered in-process goes with the root conftest's refcache.clear())
    yield


def _seed_optional(app: str) -> None:
    try:
        module = importlib.import_module(f"kefu.{app}.setup")
    except ModuleNotFoundError:
        return
    if hasattr(module, "seed"):
        module.seed()


def make_core_customer(serial: int, *, balance_fen: int = 1_000_000) -> dict:
    from kefu.corebank import fakes
    from kefu.corebank.models import CifCustomer, LedgerAccount, Medium

    customer = CifCustomer.objects.create(
        cif_no=fakes.cif_no(serial, "T"), name=f"测试客户{serial}",
        id_number=fakes.id_number(random.Random(serial), date(1980, 1, 1)), mobile=fakes.mobile(serial),
        home_branch_code="BR-DC-01", birth_date=date(1980, 1, 1))
    account = LedgerAccount.objects.create(account_no=fakes.account_no(serial, 1), customer=customer, kind="savings",
                                           opened_at=date(2020, 1, 1), branch_code="BR-DC-01")
    card = Medium.objects.create(number=fakes.debit_card_no(serial), kind="debit", customer=customer,
                                 account=account, issued_at=date(2020, 1, 1), expires="12/29")
    if balance_fen:
        with transaction.atomic():
            _deposit(account, balance_fen)
    return {"cif_no": customer.cif_no, "mobile": customer.mobile, "card_no": card.number,
            "account_no": account.account_no, "customer": customer, "account": account}


def _deposit(account, balance_fen: int) -> None:
    from kefu.corebank.ledger import Line, internal_account, lock_accounts, post_journal

    cash = internal_account("GL-CASH")
    locked = lock_accounts([account.pk, cash.pk])
    post_journal(lines=[Line(locked[account.pk], balance_fen, "现金存入"), Line(locked[cash.pk], -balance_fen, "现金存入")],
                 kind="deposit", channel="counter", description="现金存入", posted_at=timezone.now())


@pytest.fixture
def bank(org_tree):
    """Two core customers; A (PIN set) has B registered as a payee; default flow published."""
    from kefu.corebank.models import RegisteredPayee
    from kefu.ivr import setup as ivr_setup
    from kefu.ivr.pins import set_phone_pin

    for app in ("calendar", "corebank", "notify", "workorders"):
        _seed_optional(app)
    ivr_setup.seed()
    a = make_core_customer(1, balance_fen=1_234_567)
    b = make_core_customer(2, balance_fen=500_000)
    RegisteredPayee.objects.create(payee_id="PAYEE-A-B", customer=a["customer"], name="王小明",
                                   account_no=b["account_no"], bank_name="本行", registered_at=timezone.now())
    set_phone_pin(cif_no=a["cif_no"], pin=PIN, actor=None)
    set_phone_pin(cif_no=b["cif_no"], pin=PIN_B, actor=None)
    return {"a": a, "b": b}


@pytest.fixture
def gateway(org_tree):
    return make_user("ivr-gateway", roles=["service_account"], unit=org_tree["CC"])


@pytest.fixture
def gw_client(gateway):
    return ApiClient(gateway)


def sms(template_code: str) -> list:
    from kefu.notify.models import Notification

    return list(Notification.objects.filter(template_code=template_code).order_by("id"))


def journals_with_key_prefix(prefix: str) -> int:
    from kefu.corebank.models import Journal

    return Journal.objects.filter(idempotency_key__startswith=prefix).count()
