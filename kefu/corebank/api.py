"""The sandbox core bank served over HTTP through the service-bus contract (``docs/corebank-openapi.yaml``).

Mounted at ``/api/v1/corebank-sandbox``. It lets ``HttpCoreBank`` be tested end to end and lets a test
environment run kefu against "a core over the network". Protected by a service token
(``KEFU_CORE_BANK_SANDBOX_TOKEN``, sent as ``Authorization: Bearer``); without one configured the server
refuses every call, so it is off by default. Reads are POST with a JSON body so card, account and ID
numbers never appear in URLs (and hence in access logs).
"""

from __future__ import annotations

import hmac
from datetime import date

from ninja import Router, Schema
from ninja.security import HttpBearer

from . import conf
from .sandbox import SandboxCoreBank
from .wire import dump

PREFIX = "/corebank-sandbox"


class ServiceToken(HttpBearer):
    def authenticate(self, request, token: str):
        expected = conf.sandbox_server_token()
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            return "corebank-client"
        return None


router = Router(auth=ServiceToken(), tags=["corebank-sandbox"])
bank = SandboxCoreBank()


class CifIn(Schema):
    cif_no: str


class SearchIn(Schema):
    mobile: str = ""
    id_number: str = ""
    card_no: str = ""


class AccountIn(Schema):
    account_no: str


class CardIn(Schema):
    card_no: str


class TransactionsIn(Schema):
    account_no: str
    start: date | None = None
    end: date | None = None
    limit: int = 20


class LimitsIn(Schema):
    cif_no: str
    channel: str = "phone"


class TransferIn(Schema):
    from_account_no: str
    payee_id: str
    amount_fen: int
    idempotency_key: str
    channel: str = "phone"
    memo: str = ""


class LossReportIn(Schema):
    cif_no: str
    medium_no: str
    medium_kind: str
    channel: str
    idempotency_key: str


class StatusIn(Schema):
    medium_no: str
    reason: str


def _items(rows) -> dict:
    return {"items": dump(rows)}


@router.post("/customers/get", summary="客户信息")
def get_customer(request, payload: CifIn):
    return dump(bank.get_customer(payload.cif_no))


@router.post("/customers/search", summary="按手机号/证件号/卡号查客户")
def find_customers(request, payload: SearchIn):
    return _items(bank.find_customers(mobile=payload.mobile, id_number=payload.id_number, card_no=payload.card_no))


@router.post("/accounts/list", summary="客户账户")
def list_accounts(request, payload: CifIn):
    return _items(bank.list_accounts(payload.cif_no))


@router.post("/accounts/get", summary="账户（账号或卡号）")
def get_account(request, payload: AccountIn):
    return dump(bank.get_account(payload.account_no))


@router.post("/cards/list", summary="客户卡/折")
def list_cards(request, payload: CifIn):
    return _items(bank.list_cards(payload.cif_no))


@router.post("/cards/get", summary="卡/折")
def get_card(request, payload: CardIn):
    return dump(bank.get_card(payload.card_no))


@router.post("/transactions/list", summary="交易明细")
def list_transactions(request, payload: TransactionsIn):
    return _items(bank.list_transactions(payload.account_no, start=payload.start, end=payload.end,
                                         limit=payload.limit))


@router.post("/payees/list", summary="约定收款人")
def list_payees(request, payload: CifIn):
    return _items(bank.list_payees(payload.cif_no))


@router.post("/limits/get", summary="转账限额与当日已用")
def transfer_limits(request, payload: LimitsIn):
    return dump(bank.transfer_limits(payload.cif_no, payload.channel))


@router.post("/transfers", summary="转账（幂等）")
def transfer(request, payload: TransferIn):
    return dump(bank.transfer(**payload.dict()))


@router.post("/loss-reports", summary="挂失（幂等）")
def report_loss(request, payload: LossReportIn):
    return dump(bank.report_loss(**payload.dict()))


@router.post("/media/freeze", summary="冻结卡/折/账户")
def freeze(request, payload: StatusIn):
    bank.freeze(medium_no=payload.medium_no, reason=payload.reason)
    return {"ok": True}


@router.post("/media/unfreeze", summary="解冻卡/折/账户")
def unfreeze(request, payload: StatusIn):
    bank.unfreeze(medium_no=payload.medium_no, reason=payload.reason)
    return {"ok": True}


@router.get("/rates", summary="存款利率")
def deposit_rates(request):
    return _items(bank.deposit_rates())


@router.get("/fees", summary="收费标准")
def fee_schedule(request):
    return _items(bank.fee_schedule())
