"""Transfers to registered payees: idempotent, limited per transaction and per day, posted double-entry.

Concurrency: the source and destination accounts are locked (``ledger.lock_accounts``, ascending pk),
then the customer's ``DailyUsage`` row (by the upsert that counts the transfer). A request whose
idempotency key is already booked replays that journal without locking anything. Concurrent requests with
the same new key serialise on the source account lock; the second one's journal insert then fails on the
unique key (before any balance moved), its savepoint rolls back, and it replays the first's journal.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from kefu.pii.validators import reject_c3

from .adapter import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidRequest,
    LimitExceeded,
    Limits,
    MediumFrozen,
    NotRegisteredPayee,
    TransferResult,
    UnknownObject,
)
from .choices import Channel
from .conf import default_limits
from .ledger import Line, internal_account, lock_accounts, post_journal
from .models import DailyUsage, Journal, LedgerAccount, Medium, RegisteredPayee, TransferLimitRule

OWN_BANK_NAME = "本行"


def _limit_rule(cif_no: str, channel: str) -> tuple[int, int, int]:
    # The customer's own rule wins over the channel default ("" sorts last in descending order).
    rule = (TransferLimitRule.objects.filter(channel=channel, cif_no__in=[cif_no, ""])
            .order_by("-cif_no").first())
    if rule is not None:
        return rule.per_transaction_fen, rule.daily_fen, rule.daily_count
    per_txn, daily = default_limits().get(channel, default_limits()["phone"])
    return per_txn, daily, 50


def limits_for(*, cif_no: str, channel: str) -> Limits:
    _check_channel(channel)
    per_txn, daily, count = _limit_rule(cif_no, channel)
    usage = DailyUsage.objects.filter(cif_no=cif_no, channel=channel, day=timezone.localdate()).first()
    return Limits(per_transaction_fen=per_txn, daily_fen=daily, used_today_fen=usage.used_fen if usage else 0,
                  extra={"daily_count": count, "used_today_count": usage.used_count if usage else 0})


def _check_channel(channel: str) -> None:
    if channel not in Channel.values:
        raise InvalidRequest("渠道不正确", fields={"channel": "invalid"})


def request_digest(*, from_account_no: str, payee_id: str, amount_fen: int, channel: str, memo: str) -> str:
    raw = "|".join([from_account_no, payee_id, str(amount_fen), channel, memo])
    return hashlib.sha256(raw.encode()).hexdigest()


def _validate(*, amount_fen, idempotency_key: str, channel: str, memo: str) -> None:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise InvalidRequest("金额必须为正整数（分）", fields={"amount_fen": "invalid"})
    if amount_fen > 10**15:
        raise InvalidRequest("金额超出范围", fields={"amount_fen": "too_large"})
    if not idempotency_key or len(idempotency_key) > 80:
        raise InvalidRequest("缺少幂等键或幂等键过长", fields={"idempotency_key": "invalid"})
    _check_channel(channel)
    if len(memo) > 80:
        raise InvalidRequest("附言过长", fields={"memo": "too_long"})
    no_c3(memo, field="memo")


def no_c3(value: str, *, field: str) -> None:
    """``reject_c3`` as a core-bank error, so the HTTP contract carries it as a 422 with its code."""
    try:
        reject_c3(value)
    except ValidationError as exc:
        raise InvalidRequest(exc.messages[0], code=exc.code or "pii.c3", fields={field: "c3"}) from None


def _replay(journal: Journal, digest: str) -> TransferResult:
    if journal.request_digest != digest:
        raise IdempotencyConflict("幂等键已用于另一笔不同的交易", fields={"idempotency_key": "reused"})
    debit = journal.postings.filter(amount_fen__lt=0, account__account_no=journal.from_account_no).first()
    return TransferResult(transfer_id=journal.txn_id, idempotency_key=journal.idempotency_key or "",
                          status="posted", amount_fen=journal.amount_fen, from_account_no=journal.from_account_no,
                          to_account_no=journal.to_account_no, posted_at=journal.posted_at,
                          balance_after_fen=debit.balance_after_fen if debit else 0, replayed=True)


def transfer(*, from_account_no: str, payee_id: str, amount_fen: int, idempotency_key: str,
             channel: str = "phone", memo: str = "") -> TransferResult:
    """Move ``amount_fen`` from the customer's account (or card) to one of the customer's registered payees."""
    from_account_no = str(from_account_no or "").replace(" ", "")
    payee_id = str(payee_id or "")
    memo = str(memo or "")
    _validate(amount_fen=amount_fen, idempotency_key=idempotency_key, channel=channel, memo=memo)
    digest = request_digest(from_account_no=from_account_no, payee_id=payee_id, amount_fen=amount_fen,
                            channel=channel, memo=memo)
    existing = Journal.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            return _transfer_locked(from_account_no=from_account_no, payee_id=payee_id, amount_fen=amount_fen,
                                    idempotency_key=idempotency_key, channel=channel, memo=memo, digest=digest)
    except IntegrityError:
        # A concurrent request with the same key committed first (unique key): answer with its result.
        existing = Journal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, digest)


def _source_account(number: str) -> LedgerAccount:
    account = LedgerAccount.objects.filter(account_no=number, is_internal=False).first()
    if account is None:
        medium = Medium.objects.select_related("account").filter(number=number).first()
        account = medium.account if medium else None
    if account is None:
        raise UnknownObject("转出账户不存在", fields={"from_account_no": "not_found"})
    return account


def _transfer_locked(*, from_account_no: str, payee_id: str, amount_fen: int, idempotency_key: str, channel: str,
                     memo: str, digest: str) -> TransferResult:
    source = _source_account(from_account_no)
    # The payee and, in the same statement, its account here (none: another bank).
    payee = (RegisteredPayee.objects.filter(payee_id=payee_id, customer_id=source.customer_id, active=True)
             .annotate(target_pk=Subquery(LedgerAccount.objects.filter(
                 account_no=OuterRef("account_no"), is_internal=False).values("pk")[:1]))
             .first())
    if payee is None:
        raise NotRegisteredPayee("收款人不是该客户的约定收款人", fields={"payee_id": "not_registered"})
    # Another bank: credit the interbank clearing account.
    target_pk = payee.target_pk or internal_account("GL-CLEARING").pk
    if target_pk == source.pk:
        raise InvalidRequest("转出与转入账户相同", fields={"payee_id": "same_account"})

    # No second look for the idempotency key under the lock: a duplicate that committed meanwhile makes the
    # journal insert below fail on the unique key, and transfer() replays it.
    # Whether a card or passbook on the account is lost or frozen comes with the lock, in the same statement.
    locked = lock_accounts([source.pk, target_pk], media_blocked=Exists(
        Medium.objects.filter(account=OuterRef("pk"), status__in=["frozen", "lost"])))
    source, target = locked[source.pk], locked[target_pk]

    if source.status != "active":
        raise MediumFrozen("转出账户已冻结或不可用", fields={"from_account_no": source.status})
    if source.media_blocked:  # type: ignore[attr-defined]  # annotated by the lock statement
        raise MediumFrozen("该账户的卡/折已挂失或冻结，暂停对外转账", fields={"from_account_no": "medium_blocked"})
    if target.currency != source.currency:
        raise InvalidRequest("币种不一致", fields={"payee_id": "currency"})

    cif_no = source.customer.cif_no
    now = timezone.now()
    per_txn, daily, daily_count = _limit_rule(cif_no, channel)
    if amount_fen > per_txn:
        raise LimitExceeded("超过单笔转账限额", fields={"amount_fen": "per_transaction", "limit_fen": per_txn})
    # Counted before it is checked: a refusal below rolls the count back with the transfer's savepoint.
    used_fen, used_count = _count_usage(cif_no=cif_no, channel=channel, day=timezone.localdate(now),
                                        amount_fen=amount_fen)
    if used_fen > daily:
        raise LimitExceeded("超过当日累计转账限额", fields={"amount_fen": "daily", "limit_fen": daily,
                                                    "used_today_fen": used_fen - amount_fen})
    if used_count > daily_count:
        raise LimitExceeded("超过当日转账笔数限制", fields={"amount_fen": "daily_count", "limit": daily_count})
    if source.balance_fen - amount_fen < -source.overdraft_limit_fen:
        raise InsufficientFunds("可用余额不足", fields={"amount_fen": "insufficient_funds"})

    journal, postings = post_journal(
        lines=[Line(source, -amount_fen, memo or f"转账至{payee.name}", counterparty=payee.name),
               Line(target, amount_fen, memo or "转账收入", counterparty=source.customer.name)],
        kind="transfer", channel=channel, description="电话银行转账" if channel == "phone" else "转账",
        posted_at=now, memo=memo, idempotency_key=idempotency_key, request_digest=digest, cif_no=cif_no,
        amount_fen=amount_fen, from_account_no=source.account_no, to_account_no=payee.account_no,
        payee_id=payee.payee_id)
    return TransferResult(transfer_id=journal.txn_id, idempotency_key=idempotency_key, status="posted",
                          amount_fen=amount_fen, from_account_no=source.account_no, to_account_no=payee.account_no,
                          posted_at=_aware(journal.posted_at), balance_after_fen=postings[0].balance_after_fen)


def _count_usage(*, cif_no: str, channel: str, day: date, amount_fen: int) -> tuple[int, int]:
    """Add the transfer to the day's usage row and return the new totals; the row stays locked to the commit.

    One upsert (the row is created by the day's first transfer) instead of lock, create-if-missing, re-read
    and update: two first transfers of the day from different accounts of one customer never fail on the
    unique key, and the second waits for the first's lock like any other."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(DailyUsage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cif_no, channel, day, used_fen, used_count) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608 (table name from the model; values are bound)
            f"ON CONFLICT (cif_no, channel, day) DO UPDATE SET used_fen = {table}.used_fen + excluded.used_fen, "
            f"used_count = {table}.used_count + 1 RETURNING used_fen, used_count",
            [cif_no, channel, connection.ops.adapt_datefield_value(day), amount_fen])
        used_fen, used_count = cursor.fetchone()
    return int(used_fen), int(used_count)


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)
