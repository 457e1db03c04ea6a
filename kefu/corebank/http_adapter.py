"""``HttpCoreBank``: the core-banking interface over the bank's service bus (JSON contract in
``docs/corebank-openapi.yaml``).

- Timeouts: connect ``KEFU_CORE_BANK_CONNECT_TIMEOUT`` (2 s), read ``KEFU_CORE_BANK_READ_TIMEOUT`` (5 s).
- Retries: only for safe operations (reads, and writes made idempotent by a key: transfers and loss
  reports), ``KEFU_CORE_BANK_RETRIES`` (2) times with exponential backoff and jitter
  (``KEFU_CORE_BANK_BACKOFF_SECONDS`` 0.2 s, 0.4 s, ...). Freeze/unfreeze are sent once; a timeout there
  is reported as "result unknown".
- Circuit breaker (``breaker.py``): per process and base URL; timeouts, connection errors and 5xx count
  as failures, business errors (4xx) do not.
Nothing sensitive is logged: log lines name the operation and the outcome only.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from . import conf
from .adapter import (
    Account,
    Card,
    CoreBankError,
    CoreBankUnavailable,
    CoreCustomer,
    FeeItem,
    Limits,
    LossReport,
    Payee,
    RateItem,
    Transaction,
    TransferResult,
)
from .breaker import CircuitBreaker, breaker_for
from .wire import error_from, load

logger = logging.getLogger("kefu.corebank.http")
_CLIENTS: dict[tuple, httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()


def close_shared_clients() -> None:
    """Close the process-wide connection pools (tests, graceful shutdown)."""
    with _CLIENTS_LOCK:
        clients = list(_CLIENTS.values())
        _CLIENTS.clear()
    for client in clients:
        client.close()


class HttpCoreBank:
    name = "http"

    def __init__(self, base_url: str, *, token: str | None = None, connect_timeout: float | None = None,
                 read_timeout: float | None = None, retries: int | None = None, backoff_seconds: float | None = None,
                 breaker: CircuitBreaker | None = None, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not base_url:
            raise CoreBankUnavailable("未配置核心系统地址（KEFU_CORE_BANK_URL）", code="corebank.not_configured")
        self.base_url = base_url.rstrip("/")
        self.retries = conf.retries() if retries is None else retries
        self.backoff_seconds = conf.backoff_seconds() if backoff_seconds is None else backoff_seconds
        self.breaker = breaker or breaker_for(self.base_url)
        self.sleep = sleep
        timeout = httpx.Timeout(conf.read_timeout() if read_timeout is None else read_timeout,
                                connect=conf.connect_timeout() if connect_timeout is None else connect_timeout)
        token = conf.http_token() if token is None else token
        headers = {"Accept": "application/json", "User-Agent": "kefu-corebank/1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if transport is None:
            # get_core_bank() builds an adapter per call: share one connection pool per process and config.
            key = (self.base_url, token, timeout.connect, timeout.read)
            with _CLIENTS_LOCK:
                client = _CLIENTS.get(key)
                if client is None or client.is_closed:
                    client = _CLIENTS[key] = httpx.Client(base_url=self.base_url + "/", timeout=timeout,
                                                          headers=headers)
            self.client, self._owns_client = client, False
        else:
            self.client = httpx.Client(base_url=self.base_url + "/", timeout=timeout, headers=headers,
                                       transport=transport)
            self._owns_client = True

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # The one place requests go out --------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict | None = None, *, safe: bool,
              idempotency_key: str = "") -> Any:
        attempts = 1 + (max(self.retries, 0) if safe else 0)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        last_error = ""
        for attempt in range(attempts):
            if not self.breaker.allow():
                if attempt:  # an earlier attempt went out and may have been applied: not "nothing sent"
                    break
                raise CoreBankUnavailable("核心系统暂不可用（熔断中），请稍后再试", code="corebank.circuit_open",
                                          fields={"retry_after_seconds": round(self.breaker.retry_after(), 1)})
            try:
                response = self.client.request(method, path.lstrip("/"), json=body, headers=headers)
            except httpx.TimeoutException:
                last_error = "timeout"
            except httpx.TransportError as exc:
                last_error = type(exc).__name__
            else:
                if response.status_code < 500:
                    self.breaker.record_success()
                    return self._result(response)
                last_error = f"http_{response.status_code}"
            self.breaker.record_failure()
            logger.warning("corebank %s %s failed (%s), attempt %d/%d", method, path, last_error, attempt + 1,
                           attempts)
            if attempt + 1 < attempts:
                delay = self.backoff_seconds * (2 ** attempt)
                self.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not crypto)
        if not safe:
            raise CoreBankUnavailable("核心系统未及时响应，操作结果未知，请查询后再决定是否重试",
                                      code="corebank.result_unknown", fields={"error": last_error})
        raise CoreBankUnavailable("核心系统暂不可用，请稍后再试", fields={"error": last_error})

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            if response.status_code in (401, 403):
                raise CoreBankError("核心系统拒绝了kefu的访问凭证", code="corebank.auth_failed", status=502)
            raise error_from(response.status_code, data)
        if data is None:
            raise CoreBankUnavailable("核心系统返回的不是合法的JSON", code="corebank.bad_response")
        return data

    def _items(self, cls, path: str, body: dict | None = None, method: str = "POST") -> list:
        data = self._call(method, path, body, safe=True)
        return [load(cls, item) for item in data.get("items", [])]

    # Customers ----------------------------------------------------------------------------------
    def get_customer(self, cif_no: str) -> CoreCustomer:
        return load(CoreCustomer, self._call("POST", "customers/get", {"cif_no": cif_no}, safe=True))

    def find_customers(self, *, mobile: str = "", id_number: str = "", card_no: str = "") -> list[CoreCustomer]:
        return self._items(CoreCustomer, "customers/search",
                           {"mobile": mobile, "id_number": id_number, "card_no": card_no})

    # Accounts, cards, transactions --------------------------------------------------------------
    def list_accounts(self, cif_no: str) -> list[Account]:
        return self._items(Account, "accounts/list", {"cif_no": cif_no})

    def get_account(self, account_no: str) -> Account:
        return load(Account, self._call("POST", "accounts/get", {"account_no": account_no}, safe=True))

    def list_cards(self, cif_no: str) -> list[Card]:
        return self._items(Card, "cards/list", {"cif_no": cif_no})

    def get_card(self, card_no: str) -> Card:
        return load(Card, self._call("POST", "cards/get", {"card_no": card_no}, safe=True))

    def list_transactions(self, account_no: str, *, start: date | None = None, end: date | None = None,
                          limit: int = 20) -> list[Transaction]:
        body = {"account_no": account_no, "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None, "limit": limit}
        return self._items(Transaction, "transactions/list", body)

    # Phone transfers ----------------------------------------------------------------------------
    def list_payees(self, cif_no: str) -> list[Payee]:
        return self._items(Payee, "payees/list", {"cif_no": cif_no})

    def transfer_limits(self, cif_no: str, channel: str = "phone") -> Limits:
        return load(Limits, self._call("POST", "limits/get", {"cif_no": cif_no, "channel": channel}, safe=True))

    def transfer(self, *, from_account_no: str, payee_id: str, amount_fen: int, idempotency_key: str,
                 channel: str = "phone", memo: str = "") -> TransferResult:
        body = {"from_account_no": from_account_no, "payee_id": payee_id, "amount_fen": amount_fen,
                "idempotency_key": idempotency_key, "channel": channel, "memo": memo}
        # Safe to retry: the core posts a key at most once and answers a repeat with the original result.
        return load(TransferResult, self._call("POST", "transfers", body, safe=bool(idempotency_key),
                                               idempotency_key=idempotency_key))

    # Loss report, freeze, unfreeze --------------------------------------------------------------
    def report_loss(self, *, cif_no: str, medium_no: str, medium_kind: str, channel: str,
                    idempotency_key: str) -> LossReport:
        body = {"cif_no": cif_no, "medium_no": medium_no, "medium_kind": medium_kind, "channel": channel,
                "idempotency_key": idempotency_key}
        return load(LossReport, self._call("POST", "loss-reports", body, safe=bool(idempotency_key),
                                           idempotency_key=idempotency_key))

    def freeze(self, *, medium_no: str, reason: str) -> None:
        self._call("POST", "media/freeze", {"medium_no": medium_no, "reason": reason}, safe=False)

    def unfreeze(self, *, medium_no: str, reason: str) -> None:
        self._call("POST", "media/unfreeze", {"medium_no": medium_no, "reason": reason}, safe=False)

    # Published information ----------------------------------------------------------------------
    def deposit_rates(self) -> list[RateItem]:
        return self._items(RateItem, "rates", method="GET")

    def fee_schedule(self) -> list[FeeItem]:
        return self._items(FeeItem, "fees", method="GET")
