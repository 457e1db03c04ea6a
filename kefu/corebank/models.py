"""The sandbox core bank's tables: a double-entry ledger in kefu's own database.

This stands in for the bank's core system, so card and account numbers are stored in clear like a core
would (never logged: see ``kefu.pii.logfilter``); CVV, PIN and track data are never stored.

Invariants, enforced in ``ledger.py`` and backed by the database:
- money is integer fen; every journal's postings sum to zero (code + a deferred constraint trigger on
  PostgreSQL, migration 0002);
- a customer account never goes below ``-overdraft_limit_fen`` (CHECK constraint), internal accounts
  (cash, clearing) may;
- ``LedgerAccount.balance_fen`` equals the sum of its postings and the last posting's
  ``balance_after_fen`` (rows are locked in account-number order while posting);
- a transfer's idempotency key is unique (a replay returns the original journal).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .choices import AccountKind, AccountStatus, Channel, JournalKind, MediumKind, MediumStatus


class CifCustomer(models.Model):
    """A customer information file (CIF) record of the core."""

    cif_no = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=60)
    id_type = models.CharField(max_length=20, default="id_card")
    id_number = models.CharField(max_length=32, db_index=True)
    mobile = models.CharField(max_length=20, db_index=True)
    home_branch_code = models.CharField(max_length=20)
    birth_date = models.DateField(null=True, blank=True)
    email = models.CharField(max_length=120, blank=True, default="")
    address = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "核心客户"
        verbose_name_plural = "核心客户"

    def __str__(self) -> str:  # no PII in reprs
        return self.cif_no


class LedgerAccount(models.Model):
    account_no = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(CifCustomer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="accounts")
    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    currency = models.CharField(max_length=3, default="CNY")
    balance_fen = models.BigIntegerField(default=0)
    # Credit lines and overdrafts: how far below zero the balance may go (0 for savings).
    overdraft_limit_fen = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    opened_at = models.DateField()
    branch_code = models.CharField(max_length=20)
    product_name = models.CharField(max_length=60, blank=True, default="")
    is_internal = models.BooleanField(default=False)

    class Meta:
        verbose_name = "账户"
        verbose_name_plural = "账户"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_internal=True) | Q(balance_fen__gte=-F("overdraft_limit_fen")),
                name="corebank_account_balance_within_limit"),
            models.CheckConstraint(condition=Q(overdraft_limit_fen__gte=0),
                                   name="corebank_account_overdraft_nonnegative"),
            models.CheckConstraint(condition=Q(is_internal=True) | Q(customer__isnull=False),
                                   name="corebank_account_customer_required"),
        ]

    def __str__(self) -> str:
        return f"account#{self.pk}"

    @property
    def available_fen(self) -> int:
        return self.balance_fen + self.overdraft_limit_fen


class Medium(models.Model):
    """A card or passbook (存折) giving access to an account; loss report and freeze act on it."""

    number = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=12, choices=MediumKind.choices)
    customer = models.ForeignKey(CifCustomer, on_delete=models.PROTECT, related_name="media")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="media")
    status = models.CharField(max_length=12, choices=MediumStatus.choices, default=MediumStatus.ACTIVE)
    expires = models.CharField(max_length=5, blank=True, default="")  # "MM/YY" as printed; never the CVV
    product_name = models.CharField(max_length=60, blank=True, default="")
    issued_at = models.DateField()

    class Meta:
        verbose_name = "卡/折"
        verbose_name_plural = "卡/折"

    def __str__(self) -> str:
        return f"medium#{self.pk}"


class RegisteredPayee(models.Model):
    """A payee registered in advance (at the counter or online) for phone-banking transfers."""

    payee_id = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(CifCustomer, on_delete=models.PROTECT, related_name="payees")
    name = models.CharField(max_length=60)
    account_no = models.CharField(max_length=32)
    bank_name = models.CharField(max_length=60)
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField()

    class Meta:
        verbose_name = "约定收款人"
        verbose_name_plural = "约定收款人"
        constraints = [models.UniqueConstraint(fields=["customer", "account_no"], name="corebank_payee_unique")]

    def __str__(self) -> str:
        return self.payee_id


class Journal(models.Model):
    """One balanced business event (a transfer, a deposit, ...): two or more postings that sum to zero."""

    txn_id = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=16, choices=JournalKind.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    posted_at = models.DateTimeField(db_index=True)
    description = models.CharField(max_length=80)
    memo = models.CharField(max_length=80, blank=True, default="")
    # Transfers only: the caller's key (unique), a digest of the request to refuse key reuse with other
    # parameters, and the initiating customer for daily limits.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    request_digest = models.CharField(max_length=64, blank=True, default="")
    cif_no = models.CharField(max_length=20, blank=True, default="")
    amount_fen = models.BigIntegerField(default=0)
    from_account_no = models.CharField(max_length=32, blank=True, default="")
    to_account_no = models.CharField(max_length=32, blank=True, default="")
    payee_id = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        verbose_name = "会计分录"
        verbose_name_plural = "会计分录"

    def __str__(self) -> str:
        return self.txn_id


class Posting(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="postings")
    # Indexed by the composite (account, -posted_at, -id) below, so no separate FK index.
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings",
                                db_index=False)
    amount_fen = models.BigIntegerField()  # positive credit, negative debit (customer's view)
    balance_after_fen = models.BigIntegerField()
    posted_at = models.DateTimeField()
    description = models.CharField(max_length=80)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    counterparty = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        verbose_name = "记账明细"
        verbose_name_plural = "记账明细"
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="corebank_posting_nonzero")]
        indexes = [models.Index(fields=["account", "-posted_at", "-id"], name="corebank_posting_acct_time")]

    def __str__(self) -> str:
        return f"posting#{self.pk}"


class TransferLimitRule(models.Model):
    """Per-channel transfer limits (data, adjustable by operations); a CIF-specific row overrides."""

    channel = models.CharField(max_length=12, choices=Channel.choices)
    cif_no = models.CharField(max_length=20, blank=True, default="")
    per_transaction_fen = models.BigIntegerField()
    daily_fen = models.BigIntegerField()
    daily_count = models.PositiveIntegerField(default=50)

    class Meta:
        verbose_name = "转账限额"
        verbose_name_plural = "转账限额"
        constraints = [
            models.UniqueConstraint(fields=["channel", "cif_no"], name="corebank_limit_unique"),
            models.CheckConstraint(condition=Q(per_transaction_fen__gt=0) & Q(daily_fen__gt=0),
                                   name="corebank_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.cif_no or '*'}"


class DailyUsage(models.Model):
    """Transfer amount used per customer, channel and (Beijing) day; locked while a transfer posts."""

    cif_no = models.CharField(max_length=20)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    day = models.DateField()
    used_fen = models.BigIntegerField(default=0)
    used_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "当日累计"
        verbose_name_plural = "当日累计"
        constraints = [
            models.UniqueConstraint(fields=["cif_no", "channel", "day"], name="corebank_usage_unique"),
            models.CheckConstraint(condition=Q(used_fen__gte=0), name="corebank_usage_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"usage#{self.pk}"


class LossReportRecord(models.Model):
    report_id = models.CharField(max_length=24, unique=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    customer = models.ForeignKey(CifCustomer, on_delete=models.PROTECT, related_name="loss_reports")
    medium = models.ForeignKey(Medium, on_delete=models.PROTECT, related_name="loss_reports")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    reported_at = models.DateTimeField()
    previous_status = models.CharField(max_length=12, choices=MediumStatus.choices)

    class Meta:
        verbose_name = "挂失记录"
        verbose_name_plural = "挂失记录"

    def __str__(self) -> str:
        return self.report_id


class StatusChange(models.Model):
    """The core's own log of freeze/unfreeze/loss changes on cards, passbooks and accounts."""

    object_type = models.CharField(max_length=12)  # "medium" or "account"
    object_id = models.BigIntegerField()
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=200)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        indexes = [models.Index(fields=["object_type", "object_id"], name="corebank_status_obj")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}:{self.from_status}->{self.to_status}"


class DepositRate(models.Model):
    product = models.CharField(max_length=40)
    term = models.CharField(max_length=20)
    rate_percent = models.DecimalField(max_digits=6, decimal_places=2)
    effective_from = models.DateField()
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "存款利率"
        verbose_name_plural = "存款利率"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "term", "effective_from"],
                                               name="corebank_rate_unique")]

    def __str__(self) -> str:
        return f"{self.product} {self.term}"


class FeeScheduleItem(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    amount_text = models.CharField(max_length=60)
    note = models.CharField(max_length=200, blank=True, default="")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "收费标准"
        verbose_name_plural = "收费标准"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.code
