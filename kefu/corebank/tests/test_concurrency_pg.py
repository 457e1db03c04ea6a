"""Ledger invariants under real concurrency: PostgreSQL only (SQLite serialises every writer)."""

import contextlib
import random
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from kefu.corebank.adapter import InsufficientFunds
from kefu.corebank.models import DailyUsage, Journal, LedgerAccount, LossReportRecord, Posting, TransferLimitRule
from kefu.corebank.sandbox import SandboxCoreBank
from kefu.corebank.setup import seed

from .conftest import make_customer, register_payee


def _require_postgres():
    if connection.vendor != "postgresql":
        reason = ("ledger concurrency tests need PostgreSQL (row locks); set "
                  "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_corebank")
        print(f"SKIP: {reason}")
        pytest.skip(reason)


def _run_threads(count: int, target) -> list:
    errors: list = []
    barrier = threading.Barrier(count)

    def runner(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # collected and asserted on by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _ring(size: int) -> list[dict]:
    seed()
    customers = [make_customer(100 + i, balance_fen=200_000) for i in range(size)]
    for owner in customers:
        TransferLimitRule.objects.create(channel="phone", cif_no=owner["customer"].cif_no,
                                         per_transaction_fen=10**9, daily_fen=10**12, daily_count=10**6)
        owner["payees"] = [register_payee(owner, other) for other in customers if other is not owner]
    return customers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_transfers_keep_every_balance_exact():
    _require_postgres()
    customers = _ring(6)
    total_before = LedgerAccount.objects.aggregate(s=Sum("balance_fen"))["s"]
    customer_before = LedgerAccount.objects.filter(is_internal=False).aggregate(s=Sum("balance_fen"))["s"]
    bank = SandboxCoreBank()

    def worker(index: int) -> None:
        rng = random.Random(index)
        for n in range(15):
            # Opposite directions on the same pair of accounts: deadlocks unless locks are ordered.
            owner = customers[rng.randrange(len(customers))]
            payee = rng.choice(owner["payees"])
            with contextlib.suppress(InsufficientFunds):
                bank.transfer(from_account_no=owner["account"].account_no, payee_id=payee.payee_id,
                              amount_fen=rng.randint(1, 60_000), idempotency_key=f"w{index}-{n}")

    errors = _run_threads(12, worker)
    assert errors == []
    assert LedgerAccount.objects.aggregate(s=Sum("balance_fen"))["s"] == total_before == 0
    assert LedgerAccount.objects.filter(is_internal=False).aggregate(s=Sum("balance_fen"))["s"] == customer_before
    assert Journal.objects.filter(kind="transfer").count() > 50
    for account in LedgerAccount.objects.filter(is_internal=False):
        assert account.balance_fen >= 0
        running = 0
        for posting in Posting.objects.filter(account=account).order_by("id"):
            running += posting.amount_fen
            assert posting.balance_after_fen == running, "balance_after must follow the posting order"
        assert running == account.balance_fen
    # The day's usage (one upsert per transfer, under the row lock) counts every posted transfer once and
    # none of the refused ones (their savepoint took the count back).
    for owner in customers:
        cif_no = owner["customer"].cif_no
        posted = Journal.objects.filter(kind="transfer", cif_no=cif_no)
        usage = DailyUsage.objects.filter(cif_no=cif_no, channel="phone").first()
        assert ((usage.used_fen, usage.used_count) if usage else (0, 0)) == (
            posted.aggregate(s=Sum("amount_fen"))["s"] or 0, posted.count())

    # The database itself refuses a journal whose postings do not sum to zero (deferred trigger).
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    journal = Journal.objects.create(txn_id="TBAD", kind="deposit", channel="counter", posted_at=timezone.now(),
                                     description="bad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(journal=journal, account=customers[0]["account"], amount_fen=5,
                               balance_after_fen=5, posted_at=timezone.now(), description="bad", channel="counter")
    assert not Posting.objects.filter(journal=journal).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_duplicate_idempotency_keys_post_once():
    _require_postgres()
    customers = _ring(2)
    owner = customers[0]
    bank = SandboxCoreBank()
    results = []

    def duplicate(index: int) -> None:
        results.append(bank.transfer(from_account_no=owner["account"].account_no,
                                     payee_id=owner["payees"][0].payee_id, amount_fen=12_300,
                                     idempotency_key="dup-key-1"))

    errors = _run_threads(10, duplicate)
    assert errors == []
    assert len(results) == 10
    assert sum(not r.replayed for r in results) == 1
    assert len({r.transfer_id for r in results}) == 1
    assert Journal.objects.filter(idempotency_key="dup-key-1").count() == 1
    assert Posting.objects.filter(journal__idempotency_key="dup-key-1").count() == 2
    assert LedgerAccount.objects.get(pk=owner["account"].pk).balance_fen == 200_000 - 12_300
    assert LedgerAccount.objects.aggregate(s=Sum("balance_fen"))["s"] == 0

    # Loss reports: concurrent reports of the same card (two keys, four threads each) create one record.
    reports = []

    def report(index: int) -> None:
        reports.append(bank.report_loss(cif_no=owner["customer"].cif_no, medium_no=owner["card"].number,
                                        medium_kind="card", channel="phone", idempotency_key=f"loss-{index % 2}"))

    errors = _run_threads(8, report)
    assert errors == []
    assert LossReportRecord.objects.count() == 1
    assert len({r.report_id for r in reports}) == 1
