"""HttpCoreBank against the sandbox served through the HTTP contract (in-process WSGI and a live server)."""

import socket
import threading

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from kefu.corebank.adapter import (
    CoreBankError,
    CoreBankUnavailable,
    InsufficientFunds,
    InvalidRequest,
    LimitExceeded,
    MediumFrozen,
    NotRegisteredPayee,
    UnknownObject,
)
from kefu.corebank.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from kefu.corebank.http_adapter import HttpCoreBank, close_shared_clients
from kefu.corebank.models import Journal, TransferLimitRule

BASE = "http://testserver/api/v1/corebank-sandbox"
TOKEN = "sandbox-test-token"  # noqa: S105


@pytest.fixture
def wsgi_app(settings):
    settings.KEFU_CORE_BANK_SANDBOX_TOKEN = TOKEN
    # The in-process server shares the test's database connection: keep Django from closing it per request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Switchable(httpx.BaseTransport):
    """The sandbox over WSGI, which a test can take down (connection refused) or slow (read timeout)."""

    def __init__(self, app) -> None:
        self.inner = httpx.WSGITransport(app=app)
        self.mode = "up"
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "error":
            return httpx.Response(503, json={"code": "bus.unavailable", "message": "ESB overloaded"})
        response = self.inner.handle_request(request)
        if self.mode == "lose_response":  # processed by the core, answer lost on the way back
            self.mode = "up"
            raise httpx.ReadTimeout("timed out", request=request)
        return response


def make_client(transport, *, clock=None, retries=2, threshold=3, token=TOKEN):
    breaker = CircuitBreaker(failure_threshold=threshold, reset_seconds=30, clock=clock or (lambda: 0.0))
    return HttpCoreBank(BASE, token=token, transport=transport, breaker=breaker, retries=retries,
                        backoff_seconds=0.0, sleep=lambda s: None)


def test_every_read_matches_the_sandbox(core, pair, wsgi_app):
    a, payee = pair["a"], pair["payee"]
    core.transfer(from_account_no=a["account"].account_no, payee_id=payee.payee_id, amount_fen=321,
                  idempotency_key="seed-1")
    http = make_client(Switchable(wsgi_app))
    cif = a["customer"].cif_no
    assert http.get_customer(cif) == core.get_customer(cif)
    assert http.find_customers(mobile=a["customer"].mobile) == core.find_customers(mobile=a["customer"].mobile)
    assert http.list_accounts(cif) == core.list_accounts(cif)
    assert http.get_account(a["account"].account_no) == core.get_account(a["account"].account_no)
    assert http.list_cards(cif) == core.list_cards(cif)
    assert http.get_card(a["card"].number) == core.get_card(a["card"].number)
    assert http.list_transactions(a["account"].account_no, limit=5) == core.list_transactions(
        a["account"].account_no, limit=5)
    assert http.list_payees(cif) == core.list_payees(cif)
    assert http.transfer_limits(cif) == core.transfer_limits(cif)
    assert http.deposit_rates() == core.deposit_rates() and http.deposit_rates()
    assert http.fee_schedule() == core.fee_schedule()


def test_writes_and_business_errors_cross_the_wire(core, pair, wsgi_app):
    a, b, payee = pair["a"], pair["b"], pair["payee"]
    transport = Switchable(wsgi_app)
    http = make_client(transport)
    send = {"from_account_no": a["account"].account_no, "payee_id": payee.payee_id}
    first = http.transfer(**send, amount_fen=1_000, idempotency_key="h-1")
    again = http.transfer(**send, amount_fen=1_000, idempotency_key="h-1")
    assert not first.replayed and again.replayed and again.transfer_id == first.transfer_id
    assert again.posted_at == first.posted_at
    TransferLimitRule.objects.filter(channel="phone", cif_no="").update(per_transaction_fen=50_000)
    with pytest.raises(LimitExceeded) as exc:
        http.transfer(**send, amount_fen=50_001, idempotency_key="h-2")
    assert exc.value.fields["amount_fen"] == "per_transaction"
    with pytest.raises(NotRegisteredPayee):
        http.transfer(from_account_no=b["account"].account_no, payee_id=payee.payee_id, amount_fen=1,
                      idempotency_key="h-4")
    with pytest.raises(UnknownObject):
        http.get_customer("NOPE")
    with pytest.raises(InvalidRequest) as exc:
        http.transfer(**send, amount_fen="lots", idempotency_key="h-5")
    assert exc.value.code == "validation_error"
    http.freeze(medium_no=a["card"].number, reason="客户来电临时冻结")
    with pytest.raises(MediumFrozen):
        http.transfer(**send, amount_fen=10, idempotency_key="h-6")
    http.unfreeze(medium_no=a["card"].number, reason="核实后解冻")
    report = http.report_loss(cif_no=a["customer"].cif_no, medium_no=a["card"].number, medium_kind="card",
                              channel="ivr", idempotency_key="loss-h")
    assert core.get_card(a["card"].number).status == "lost" and report.status == "frozen"
    assert http.breaker.state == CLOSED  # business errors are answers, not outages


def test_insufficient_funds_over_http(core, pair, wsgi_app):
    http = make_client(Switchable(wsgi_app))
    with pytest.raises(InsufficientFunds):
        http.transfer(from_account_no=pair["a"]["account"].account_no, payee_id=pair["payee"].payee_id,
                      amount_fen=1_000_001, idempotency_key="big")


def test_token_is_required(core, pair, wsgi_app, settings):
    with pytest.raises(CoreBankError) as exc:
        make_client(Switchable(wsgi_app), token="wrong").get_customer(pair["a"]["customer"].cif_no)
    assert exc.value.code == "corebank.auth_failed"
    settings.KEFU_CORE_BANK_SANDBOX_TOKEN = ""  # no token configured: the sandbox server is off
    with pytest.raises(CoreBankError) as exc:
        make_client(Switchable(wsgi_app), token="").get_customer(pair["a"]["customer"].cif_no)
    assert exc.value.code == "corebank.auth_failed"


def test_lost_response_is_retried_and_posts_once(core, pair, wsgi_app):
    transport = Switchable(wsgi_app)
    http = make_client(transport)
    transport.mode = "lose_response"
    result = http.transfer(from_account_no=pair["a"]["account"].account_no, payee_id=pair["payee"].payee_id,
                           amount_fen=2_500, idempotency_key="lost-1")
    assert result.replayed  # the retry found the posting the lost answer was about
    assert transport.calls == 2
    assert Journal.objects.filter(idempotency_key="lost-1").count() == 1
    assert core.get_account(pair["a"]["account"].account_no).balance_fen == 1_000_000 - 2_500


def test_unsafe_calls_are_not_retried(core, pair, wsgi_app):
    transport = Switchable(wsgi_app)
    http = make_client(transport, retries=3, threshold=10)
    transport.mode = "down"
    with pytest.raises(CoreBankUnavailable) as exc:
        http.freeze(medium_no=pair["a"]["card"].number, reason="x")
    assert exc.value.code == "corebank.result_unknown" and transport.calls == 1
    with pytest.raises(CoreBankUnavailable) as exc:
        http.get_customer(pair["a"]["customer"].cif_no)
    assert exc.value.code == "corebank.unavailable" and transport.calls == 1 + 4  # safe: one try + 3 retries


def test_breaker_opens_fails_fast_half_opens_and_closes(core, pair, wsgi_app):
    now = [1000.0]
    transport = Switchable(wsgi_app)
    http = make_client(transport, clock=lambda: now[0], retries=0, threshold=3)
    cif = pair["a"]["customer"].cif_no
    transport.mode = "error"  # 5xx from the bus counts as a failure
    for _ in range(3):
        with pytest.raises(CoreBankUnavailable):
            http.get_customer(cif)
    assert http.breaker.state == OPEN and transport.calls == 3
    with pytest.raises(CoreBankUnavailable) as exc:
        http.get_customer(cif)
    assert exc.value.code == "corebank.circuit_open" and transport.calls == 3  # failed fast, nothing sent
    assert exc.value.fields["retry_after_seconds"] == 30

    now[0] += 30
    assert http.breaker.state == HALF_OPEN
    transport.mode = "down"  # the trial call fails: open again for another period
    with pytest.raises(CoreBankUnavailable):
        http.get_customer(cif)
    assert http.breaker.state == OPEN and transport.calls == 4

    now[0] += 30
    transport.mode = "up"
    assert http.get_customer(cif).cif_no == cif  # trial succeeds
    assert http.breaker.state == CLOSED and transport.calls == 5
    assert http.breaker.opened_count == 2


def test_half_open_admits_only_the_configured_trials():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=5, half_open_calls=2, clock=lambda: now[0])
    breaker.record_failure()
    assert not breaker.allow()
    now[0] = 5
    assert [breaker.allow() for _ in range(3)] == [True, True, False]
    breaker.record_success()
    assert breaker.state == CLOSED and breaker.allow()
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)


@pytest.fixture
def hanging_server():
    """A TCP server that accepts connections and never answers (a core that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    listener.close()


def test_read_timeout_against_a_hanging_core(hanging_server):
    url, accepted = hanging_server
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=60)
    http = HttpCoreBank(url, token="t", read_timeout=0.2, connect_timeout=0.5, retries=1, backoff_seconds=0.01,
                        breaker=breaker)
    with pytest.raises(CoreBankUnavailable) as exc:
        http.get_customer("C1")
    assert exc.value.fields["error"] == "timeout"
    assert len(accepted) == 2  # one try and one retry, each timed out
    assert breaker.state == OPEN
    with pytest.raises(CoreBankUnavailable) as exc:
        http.deposit_rates()
    assert exc.value.code == "corebank.circuit_open" and len(accepted) == 2


@pytest.mark.django_db(transaction=True)
def test_against_a_live_server(live_server, settings):
    """Real sockets, real server thread: the full contract round trip a deployment would make."""
    from kefu.corebank.breaker import breaker_for
    from kefu.corebank.setup import seed

    from .conftest import make_customer, register_payee

    settings.KEFU_CORE_BANK_SANDBOX_TOKEN = TOKEN
    settings.KEFU_CORE_BANK = "http"
    settings.KEFU_CORE_BANK_URL = live_server.url + "/api/v1/corebank-sandbox"
    settings.KEFU_CORE_BANK_TOKEN = TOKEN
    seed()
    a, b = make_customer(11), make_customer(12)
    payee = register_payee(a, b)
    from kefu.corebank.adapter import get_core_bank

    bank = get_core_bank()
    assert isinstance(bank, HttpCoreBank)
    assert bank.breaker is breaker_for(settings.KEFU_CORE_BANK_URL)  # one breaker per process and URL
    result = bank.transfer(from_account_no=a["account"].account_no, payee_id=payee.payee_id, amount_fen=4_200,
                           idempotency_key="live-1")
    assert result.balance_after_fen == 1_000_000 - 4_200
    assert [t.amount_fen for t in bank.list_transactions(b["account"].account_no, limit=1)] == [4_200]
    # Drop the kept-alive connection, or the server's handler thread keeps its database session open.
    close_shared_clients()
    assert bank.client.is_closed


def test_breaker_opening_mid_retry_is_reported_as_ambiguous(core, pair, wsgi_app):
    transport = Switchable(wsgi_app)
    http = make_client(transport, retries=3, threshold=1)
    transport.mode = "down"
    with pytest.raises(CoreBankUnavailable) as exc:
        http.transfer(from_account_no=pair["a"]["account"].account_no, payee_id=pair["payee"].payee_id,
                      amount_fen=1, idempotency_key="amb-1")
    # One attempt went out before the breaker opened: the caller must treat the outcome as unknown.
    assert exc.value.code == "corebank.unavailable" and transport.calls == 1
