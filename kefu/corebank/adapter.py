"""The core-banking adapter interface: everything kefu asks of the bank's core system goes through here.

Two implementations (``settings.KEFU_CORE_BANK``): ``sandbox`` (a double-entry ledger in kefu's own
database, the default) and ``http`` (the bank's service bus over the JSON contract in
``docs/corebank-openapi.yaml``). Callers use :func:`get_core_bank` and never import an implementation.

Money is integer fen. Card and account numbers cross this interface in clear (the core needs them);
callers mask them before display, logs or audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from kefu.common.errors import KefuError


class CoreBankError(KefuError):
    status = 409
    code = "corebank.error"


class CoreBankUnavailable(CoreBankError):
    status = 503
    code = "corebank.unavailable"


@dataclass(frozen=True)
class CoreCustomer:
    cif_no: str              # the core's customer number
    name: str
    id_type: str             # "id_card" (居民身份证), "passport", ...
    id_number: str
    mobile: str
    home_branch_code: str    # kefu org Unit.code of the customer's home branch/outlet
    birth_date: date | None = None
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class Account:
    account_no: str
    cif_no: str
    kind: str                # "savings" (活期), "time_deposit" (定期), "credit" (信用卡账户), "loan"
    currency: str
    balance_fen: int
    available_fen: int
    status: str              # "active", "frozen", "closed", "dormant"
    opened_at: date
    branch_code: str
    product_name: str = ""


@dataclass(frozen=True)
class Card:
    card_no: str
    cif_no: str
    account_no: str
    kind: str                # "debit", "credit", "passbook" (存折 uses the same loss-report flow)
    status: str              # "active", "frozen", "lost", "cancelled"
    expires: str = ""        # never the CVV; expiry kept only as the core returns it for display "MM/YY"
    product_name: str = ""


@dataclass(frozen=True)
class Transaction:
    txn_id: str
    account_no: str
    posted_at: datetime
    amount_fen: int          # positive credit, negative debit
    balance_after_fen: int
    description: str
    channel: str             # "counter", "atm", "pos", "online", "mobile", "phone", "transfer"
    counterparty: str = ""


@dataclass(frozen=True)
class Payee:
    payee_id: str
    cif_no: str
    name: str
    account_no: str
    bank_name: str


@dataclass(frozen=True)
class TransferResult:
    transfer_id: str
    idempotency_key: str
    status: str              # "posted"
    amount_fen: int
    from_account_no: str
    to_account_no: str
    posted_at: datetime
    balance_after_fen: int
    replayed: bool = False   # True when the idempotency key had already posted this transfer


@dataclass(frozen=True)
class LossReport:
    report_id: str
    cif_no: str
    medium_no: str           # card or passbook number
    medium_kind: str         # "card" or "passbook"
    status: str              # "frozen"
    reported_at: datetime


@dataclass(frozen=True)
class RateItem:
    product: str             # e.g. "活期存款", "整存整取一年"
    term: str
    rate_percent: str        # decimal as text, e.g. "1.10"
    effective_from: date


@dataclass(frozen=True)
class FeeItem:
    code: str
    name: str
    amount_text: str         # as published, e.g. "每笔2元" or "免费"
    note: str = ""


@dataclass(frozen=True)
class Limits:
    per_transaction_fen: int
    daily_fen: int
    used_today_fen: int = 0
    extra: dict = field(default_factory=dict)


class LimitExceeded(CoreBankError):
    code = "corebank.limit_exceeded"


class InsufficientFunds(CoreBankError):
    code = "corebank.insufficient_funds"


class MediumFrozen(CoreBankError):
    code = "corebank.frozen"


class NotRegisteredPayee(CoreBankError):
    code = "corebank.payee_not_registered"


class UnknownObject(CoreBankError):
    status = 404
    code = "corebank.not_found"


class InvalidRequest(CoreBankError):
    """Bad parameters (non-positive amount, missing key, unknown channel...)."""

    status = 422
    code = "corebank.invalid_request"


class IdempotencyConflict(CoreBankError):
    """The idempotency key was already used for a different request."""

    code = "corebank.idempotency_conflict"


class InvalidState(CoreBankError):
    """The card/account is in a state that does not allow the operation (e.g. unfreezing a lost card)."""

    code = "corebank.invalid_state"


@runtime_checkable
class CoreBank(Protocol):
    # Customers
    def get_customer(self, cif_no: str) -> CoreCustomer: ...
    def find_customers(self, *, mobile: str = "", id_number: str = "", card_no: str = "") -> list[CoreCustomer]: ...
    # Accounts, cards, balances, transactions
    def list_accounts(self, cif_no: str) -> list[Account]: ...
    def get_account(self, account_no: str) -> Account: ...
    def list_cards(self, cif_no: str) -> list[Card]: ...
    def get_card(self, card_no: str) -> Card: ...
    def list_transactions(self, account_no: str, *, start: date | None = None, end: date | None = None,
                          limit: int = 20) -> list[Transaction]: ...
    # Phone transfers between registered accounts
    def list_payees(self, cif_no: str) -> list[Payee]: ...
    def transfer_limits(self, cif_no: str, channel: str = "phone") -> Limits: ...
    def transfer(self, *, from_account_no: str, payee_id: str, amount_fen: int, idempotency_key: str,
                 channel: str = "phone", memo: str = "") -> TransferResult: ...
    # Loss report, freeze and unfreeze
    def report_loss(self, *, cif_no: str, medium_no: str, medium_kind: str, channel: str,
                    idempotency_key: str) -> LossReport: ...
    def freeze(self, *, medium_no: str, reason: str) -> None: ...
    def unfreeze(self, *, medium_no: str, reason: str) -> None: ...
    # Published information
    def deposit_rates(self) -> list[RateItem]: ...
    def fee_schedule(self) -> list[FeeItem]: ...


def get_core_bank() -> CoreBank:
    """The configured implementation (``KEFU_CORE_BANK``: ``sandbox`` default, or ``http``)."""
    from django.conf import settings

    if settings.KEFU_CORE_BANK == "http":
        from .http_adapter import HttpCoreBank

        return HttpCoreBank(base_url=settings.KEFU_CORE_BANK_URL)
    from .sandbox import SandboxCoreBank

    return SandboxCoreBank()
