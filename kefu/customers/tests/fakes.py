"""A small in-memory core bank implementing the adapter Protocol, for tests that must not depend on the
sandbox ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.corebank.adapter import Account, Card, CoreCustomer, Transaction, UnknownObject


class FakeCoreBank:
    def __init__(self) -> None:
        self.customers: dict[str, CoreCustomer] = {}
        self.accounts: dict[str, list[Account]] = {}
        self.cards: dict[str, list[Card]] = {}
        self.transactions: dict[str, list[Transaction]] = {}
        self.unavailable = False

    def add(self, customer: CoreCustomer, *, account_no: str, card_no: str, balance_fen: int = 1_234_56,
            txns: int = 3) -> None:
        self.customers[customer.cif_no] = customer
        self.accounts[customer.cif_no] = [Account(
            account_no=account_no, cif_no=customer.cif_no, kind="savings", currency="CNY", balance_fen=balance_fen,
            available_fen=balance_fen, status="active", opened_at=date(2020, 1, 1),
            branch_code=customer.home_branch_code, product_name="活期储蓄")]
        self.cards[customer.cif_no] = [Card(card_no=card_no, cif_no=customer.cif_no, account_no=account_no,
                                            kind="debit", status="active", product_name="借记卡")]
        now = timezone.now()
        self.transactions[account_no] = [Transaction(
            txn_id=f"T{account_no[-4:]}{i}", account_no=account_no, posted_at=now - timedelta(days=i),
            amount_fen=-1000 * (i + 1), balance_after_fen=balance_fen - 1000 * i, description="消费",
            channel="pos") for i in range(txns)]

    def _check(self) -> None:
        if self.unavailable:
            from kefu.corebank.adapter import CoreBankUnavailable

            raise CoreBankUnavailable("down")

    def get_customer(self, cif_no: str) -> CoreCustomer:
        self._check()
        try:
            return self.customers[cif_no]
        except KeyError as exc:
            raise UnknownObject() from exc

    def find_customers(self, *, mobile: str = "", id_number: str = "", card_no: str = "") -> list[CoreCustomer]:
        return [c for c in self.customers.values() if (mobile and c.mobile == mobile)
                or (id_number and c.id_number == id_number)]

    def list_accounts(self, cif_no: str) -> list[Account]:
        self._check()
        return self.accounts.get(cif_no, [])

    def get_account(self, account_no: str) -> Account:
        for accounts in self.accounts.values():
            for a in accounts:
                if a.account_no == account_no:
                    return a
        raise UnknownObject()

    def list_cards(self, cif_no: str) -> list[Card]:
        self._check()
        return self.cards.get(cif_no, [])

    def get_card(self, card_no: str) -> Card:
        raise UnknownObject()

    def list_transactions(self, account_no: str, *, start: date | None = None, end: date | None = None,
                          limit: int = 20) -> list[Transaction]:
        self._check()
        return self.transactions.get(account_no, [])[:limit]

    def list_payees(self, cif_no):
        return []

    def transfer_limits(self, cif_no, channel="phone"):
        raise NotImplementedError

    def transfer(self, **kwargs):
        raise NotImplementedError

    def report_loss(self, **kwargs):
        raise NotImplementedError

    def freeze(self, *, medium_no, reason):
        raise NotImplementedError

    def unfreeze(self, *, medium_no, reason):
        raise NotImplementedError

    def deposit_rates(self):
        return []

    def fee_schedule(self):
        return []


def make_core_customer(cif_no: str = "C0001", *, name: str = "王建国", id_number: str = "",
                       mobile: str = "13912345678", branch: str = "BR-DC-01",
                       birth: datetime | None = None) -> CoreCustomer:
    from kefu.pii.checks import birth_date_from_id

    id_number = id_number or "11010519491231002X"
    return CoreCustomer(cif_no=cif_no, name=name, id_type="id_card", id_number=id_number, mobile=mobile,
                        home_branch_code=branch, birth_date=birth_date_from_id(id_number),
                        email="wjg@example.com", address="北京市东城区和平里东街1号")
