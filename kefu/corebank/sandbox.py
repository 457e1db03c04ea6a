"""``SandboxCoreBank``: the core-banking interface served from kefu's own double-entry ledger.

Reads convert rows to the interface dataclasses; writes live in ``transfers.py`` (money) and
``media.py`` (loss report, freeze, unfreeze). Numbers are never logged: errors name objects by kind only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from kefu.pii.checks import normalize_mobile

from . import media, transfers
from .adapter import (
    Account,
    Card,
    CoreCustomer,
    FeeItem,
    InvalidRequest,
    LimitExceeded,  # noqa: F401  (re-exported for callers of the sandbox module)
    Limits,
    LossReport,
    Payee,
    RateItem,
    Transaction,
    TransferResult,
    UnknownObject,
)
from .models import (
    CifCustomer,
    DepositRate,
    FeeScheduleItem,
    LedgerAccount,
    Medium,
    Posting,
    RegisteredPayee,
)

MAX_TRANSACTIONS = 500


def to_customer(row: CifCustomer) -> CoreCustomer:
    return CoreCustomer(cif_no=row.cif_no, name=row.name, id_type=row.id_type, id_number=row.id_number,
                        mobile=row.mobile, home_branch_code=row.home_branch_code, birth_date=row.birth_date,
                        email=row.email, address=row.address)


def to_account(row: LedgerAccount, cif_no: str) -> Account:
    available = row.available_fen if row.status == "active" else 0
    return Account(account_no=row.account_no, cif_no=cif_no, kind=row.kind, currency=row.currency,
                   balance_fen=row.balance_fen, available_fen=max(available, 0), status=row.status,
                   opened_at=row.opened_at, branch_code=row.branch_code, product_name=row.product_name)


def to_card(row: Medium, cif_no: str, account_no: str) -> Card:
    return Card(card_no=row.number, cif_no=cif_no, account_no=account_no, kind=row.kind, status=row.status,
                expires=row.expires, product_name=row.product_name)


def to_payee(row: RegisteredPayee, cif_no: str) -> Payee:
    return Payee(payee_id=row.payee_id, cif_no=cif_no, name=row.name, account_no=row.account_no,
                 bank_name=row.bank_name)


def customer_row(cif_no: str) -> CifCustomer:
    row = CifCustomer.objects.filter(cif_no=str(cif_no or "")).first()
    if row is None:
        raise UnknownObject("客户不存在", fields={"cif_no": "not_found"})
    return row


def account_row(number: str) -> LedgerAccount:
    """A customer account by account number, or by the number of a card/passbook on it."""
    number = str(number or "").replace(" ", "")
    row = (LedgerAccount.objects.select_related("customer")
           .filter(account_no=number, is_internal=False).first())
    if row is None:
        medium = Medium.objects.select_related("account__customer").filter(number=number).first()
        row = medium.account if medium else None
    if row is None:
        raise UnknownObject("账户不存在", fields={"account_no": "not_found"})
    return row


class SandboxCoreBank:
    """The default core bank: every call is answered from the ledger tables in kefu's database."""

    name = "sandbox"

    # Customers ----------------------------------------------------------------------------------
    def get_customer(self, cif_no: str) -> CoreCustomer:
        return to_customer(customer_row(cif_no))

    def find_customers(self, *, mobile: str = "", id_number: str = "", card_no: str = "") -> list[CoreCustomer]:
        query = Q()
        if mobile:
            query |= Q(mobile=normalize_mobile(mobile))
        if id_number:
            query |= Q(id_number=id_number.strip().upper())
        if card_no:
            query |= Q(media__number=card_no.replace(" ", ""))
        if not query:
            raise InvalidRequest("至少提供手机号、证件号或卡号之一", fields={"mobile": "required"})
        rows = CifCustomer.objects.filter(query).distinct().order_by("cif_no")[:50]
        return [to_customer(row) for row in rows]

    # Accounts, cards, transactions --------------------------------------------------------------
    def list_accounts(self, cif_no: str) -> list[Account]:
        cif_no = str(cif_no or "")
        rows = list(LedgerAccount.objects.filter(customer__cif_no=cif_no, is_internal=False)
                    .order_by("opened_at", "account_no"))
        if not rows:
            customer_row(cif_no)  # an unknown customer is an error, a customer without accounts is not
        return [to_account(row, cif_no) for row in rows]

    def get_account(self, account_no: str) -> Account:
        row = account_row(account_no)
        return to_account(row, row.customer.cif_no)

    def list_cards(self, cif_no: str) -> list[Card]:
        customer = customer_row(cif_no)
        rows = customer.media.select_related("account").order_by("issued_at", "number")
        return [to_card(row, customer.cif_no, row.account.account_no) for row in rows]

    def get_card(self, card_no: str) -> Card:
        row = (Medium.objects.select_related("customer", "account")
               .filter(number=str(card_no or "").replace(" ", "")).first())
        if row is None:
            raise UnknownObject("卡/折不存在", fields={"card_no": "not_found"})
        return to_card(row, row.customer.cif_no, row.account.account_no)

    def list_transactions(self, account_no: str, *, start: date | None = None, end: date | None = None,
                          limit: int = 20) -> list[Transaction]:
        if not isinstance(limit, int) or limit < 1:
            raise InvalidRequest("条数必须为正整数", fields={"limit": "invalid"})
        if start and end and start > end:
            raise InvalidRequest("起始日期晚于结束日期", fields={"start": "after_end"})
        account = account_row(account_no)
        qs = Posting.objects.filter(account=account).select_related("journal")
        tz = timezone.get_current_timezone()
        if start:
            qs = qs.filter(posted_at__gte=timezone.make_aware(datetime.combine(start, time.min), tz))
        if end:
            next_day = datetime.combine(end + timedelta(days=1), time.min)
            qs = qs.filter(posted_at__lt=timezone.make_aware(next_day, tz))
        rows = qs.order_by("-posted_at", "-id")[: min(limit, MAX_TRANSACTIONS)]
        return [Transaction(txn_id=row.journal.txn_id, account_no=account.account_no, posted_at=row.posted_at,
                            amount_fen=row.amount_fen, balance_after_fen=row.balance_after_fen,
                            description=row.description, channel=row.channel, counterparty=row.counterparty)
                for row in rows]

    # Phone transfers ----------------------------------------------------------------------------
    def list_payees(self, cif_no: str) -> list[Payee]:
        cif_no = str(cif_no or "")
        rows = list(RegisteredPayee.objects.filter(customer__cif_no=cif_no, active=True).order_by("payee_id"))
        if not rows:
            customer_row(cif_no)
        return [to_payee(row, cif_no) for row in rows]

    def transfer_limits(self, cif_no: str, channel: str = "phone") -> Limits:
        customer = customer_row(cif_no)
        return transfers.limits_for(cif_no=customer.cif_no, channel=channel)

    def transfer(self, *, from_account_no: str, payee_id: str, amount_fen: int, idempotency_key: str,
                 channel: str = "phone", memo: str = "") -> TransferResult:
        return transfers.transfer(from_account_no=from_account_no, payee_id=payee_id, amount_fen=amount_fen,
                                  idempotency_key=idempotency_key, channel=channel, memo=memo)

    # Loss report, freeze, unfreeze --------------------------------------------------------------
    def report_loss(self, *, cif_no: str, medium_no: str, medium_kind: str, channel: str,
                    idempotency_key: str) -> LossReport:
        return media.report_loss(cif_no=cif_no, medium_no=medium_no, medium_kind=medium_kind, channel=channel,
                                 idempotency_key=idempotency_key)

    def freeze(self, *, medium_no: str, reason: str) -> None:
        media.change_status(number=medium_no, to="frozen", reason=reason)

    def unfreeze(self, *, medium_no: str, reason: str) -> None:
        media.change_status(number=medium_no, to="active", reason=reason)

    # Published information ----------------------------------------------------------------------
    def deposit_rates(self) -> list[RateItem]:
        today = timezone.localdate()
        current: dict[tuple[str, str], DepositRate] = {}
        for row in DepositRate.objects.filter(effective_from__lte=today).order_by("effective_from"):
            current[(row.product, row.term)] = row  # later rows replace earlier ones
        rows = sorted(current.values(), key=lambda r: (r.sort_order, r.pk))
        return [RateItem(product=r.product, term=r.term, rate_percent=f"{r.rate_percent:.2f}",
                         effective_from=r.effective_from) for r in rows]

    def fee_schedule(self) -> list[FeeItem]:
        return [FeeItem(code=r.code, name=r.name, amount_text=r.amount_text, note=r.note)
                for r in FeeScheduleItem.objects.all()]
