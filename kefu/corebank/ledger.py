"""The posting engine: balanced journals, row locks in a fixed order, balances kept with each posting.

Lock order: every code path that changes balances locks ``LedgerAccount`` rows in ascending primary key
order in one statement (``lock_accounts``), then (transfers) the ``DailyUsage`` row. Two transfers that
touch the same accounts therefore queue instead of deadlocking.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from .adapter import CoreBankError
from .models import Journal, LedgerAccount, Posting
from .signals import posting_created

logger = logging.getLogger("kefu.corebank")

# Internal (general-ledger) accounts the sandbox books against; they may go negative.
INTERNAL_ACCOUNTS = {
    "GL-CASH": "库存现金",
    "GL-CLEARING": "跨行清算往来",
    "GL-MERCHANT": "银联商户清算",
    "GL-PAYROLL": "代发工资过渡户",
    "GL-INTEREST": "利息支出",
    "GL-FEE": "手续费收入",
}


class UnbalancedJournal(CoreBankError):
    status = 500
    code = "corebank.unbalanced"


@dataclass(frozen=True)
class Line:
    account: LedgerAccount
    amount_fen: int
    description: str
    counterparty: str = ""


def new_txn_id(at: datetime | None = None) -> str:
    at = timezone.localtime(at or timezone.now())
    return f"T{at:%Y%m%d}{uuid.uuid4().hex[:14].upper()}"


def internal_account(code: str) -> LedgerAccount:
    """The internal account ``code`` (created on first use so a fresh database can post at once)."""
    account = LedgerAccount.objects.filter(account_no=code).first()
    if account is None:
        account, _ = LedgerAccount.objects.get_or_create(
            account_no=code,
            defaults={"kind": "internal", "is_internal": True, "opened_at": timezone.localdate(),
                      "branch_code": "HO", "product_name": INTERNAL_ACCOUNTS.get(code, code)})
    return account


def lock_accounts(pks: Iterable[int], **annotations: Any) -> dict[int, LedgerAccount]:
    """Lock the given accounts (FOR UPDATE) in ascending pk order; returns them by pk (customers joined,
    not locked; ``annotations`` computed in the same statement)."""
    ordered = sorted(set(pks))
    rows = list(LedgerAccount.objects.select_for_update(of=("self",)).select_related("customer")
                .annotate(**annotations).filter(pk__in=ordered).order_by("pk"))
    return {row.pk: row for row in rows}


def post_journal(*, lines: Sequence[Line], kind: str, channel: str, description: str,
                 posted_at: datetime | None = None, memo: str = "", **journal_fields) -> tuple[Journal, list[Posting]]:
    """Book one balanced journal on accounts the caller has locked (``lock_accounts``) in this transaction.

    Balances are updated from the locked rows; the CHECK constraint on ``LedgerAccount`` refuses any
    balance below the allowed overdraft even if a caller forgot to check funds.
    """
    if len(lines) < 2:
        raise UnbalancedJournal("分录至少需要两条记账明细")
    if any(not isinstance(line.amount_fen, int) or isinstance(line.amount_fen, bool) or line.amount_fen == 0
           for line in lines):
        raise UnbalancedJournal("记账金额必须为非零整数（分）")
    if sum(line.amount_fen for line in lines) != 0:
        raise UnbalancedJournal("借贷不平衡")
    posted_at = posted_at or timezone.now()
    # The caller's transaction holds the account locks; no savepoint of our own (one round trip less).
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_journal must run inside the transaction that locked the accounts")
    journal = Journal.objects.create(txn_id=new_txn_id(posted_at), kind=kind, channel=channel,
                                     posted_at=posted_at, description=description[:80], memo=memo[:80],
                                     **journal_fields)
    postings = []
    touched: dict[int, LedgerAccount] = {}
    for line in lines:
        account = line.account
        account.balance_fen += line.amount_fen
        touched[account.pk] = account
        postings.append(Posting(journal=journal, account=account, amount_fen=line.amount_fen,
                                balance_after_fen=account.balance_fen, posted_at=posted_at,
                                description=line.description[:80], channel=channel,
                                counterparty=line.counterparty[:80]))
    # One UPDATE for all the journal's accounts (the CHECK constraint still guards every row).
    LedgerAccount.objects.filter(pk__in=list(touched)).update(
        balance_fen=Case(*(When(pk=pk, then=Value(a.balance_fen)) for pk, a in touched.items()),
                         output_field=models.BigIntegerField()))
    Posting.objects.bulk_create(postings)
    for posting in postings:
        if not posting.account.is_internal:
            transaction.on_commit(partial(
                _send_posting_created, account_no=posting.account.account_no,
                cif_no=posting.account.customer.cif_no,
                amount_fen=posting.amount_fen, balance_after_fen=posting.balance_after_fen,
                txn_id=journal.txn_id, posted_at=posted_at, channel=channel))
    return journal, postings


def _send_posting_created(**kwargs) -> None:
    # Receivers run after the money moved: one failing receiver must not hide the posting from the others.
    for receiver, result in posting_created.send_robust(sender=Posting, **kwargs):
        if isinstance(result, Exception):
            logger.error("posting_created receiver %s failed: %s", getattr(receiver, "__name__", receiver),
                         type(result).__name__)
