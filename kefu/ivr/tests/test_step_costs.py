"""What keeps a step cheap under load: audit rows written last, a failed effect leaving none, the call's
start in one transaction."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kefu.audit.services import deferred, record
from kefu.ivr import services
from kefu.ivr.engine import Digits, HangupEvent

from .conftest import PIN


def _audit_rows():
    from kefu.audit.models import AuditEntry

    return AuditEntry.objects.order_by("seq")


@pytest.mark.django_db
def test_audit_rows_are_written_at_the_end_of_the_step(bank, gateway):
    call, _ = services.start_call(channel="http", caller="13800138000", called="95500", actor=gateway)
    for key in ("1", "1", bank["a"]["card_no"] + "#"):
        services.handle_input(call_id=call.call_id, event=Digits(key), actor=gateway)
    with CaptureQueriesContext(connection) as q:
        services.handle_input(call_id=call.call_id, event=Digits(PIN + "#"), actor=gateway)
    sql = [x["sql"] for x in q.captured_queries]
    chain = [i for i, s in enumerate(sql) if "audit_auditchainhead" in s]
    session_save = max(i for i, s in enumerate(sql) if s.startswith('UPDATE "ivr_ivrcall"'))
    # PIN verified + balance read: both rows, and the chain head lock, come after the session is saved.
    assert len(chain) >= 2 and min(chain) > session_save
    actions = list(_audit_rows().values_list("action", flat=True))
    assert actions[-2:] == ["ivr.pin_verified", "ivr.balance_read"]


@pytest.mark.django_db
def test_a_failed_effect_leaves_no_audit_row(bank, gateway, monkeypatch):
    from kefu.ivr.effects import EffectRunner

    def balance_then_fail(self, *, cif_no):
        self._audit("ivr.balance_read", {"cif_no": cif_no})
        raise RuntimeError("core answered garbage")

    monkeypatch.setattr(EffectRunner, "do_balance", balance_then_fail)
    call, _ = services.start_call(channel="http", caller="13800138000", called="95500", actor=gateway)
    for key in ("1", "1", bank["a"]["card_no"] + "#"):
        services.handle_input(call_id=call.call_id, event=Digits(key), actor=gateway)
    _, out = services.handle_input(call_id=call.call_id, event=Digits(PIN + "#"), actor=gateway)
    actions = list(_audit_rows().values_list("action", flat=True))
    assert "ivr.pin_verified" in actions and "ivr.balance_read" not in actions
    assert "系统繁忙" in "".join(p.text for p in out.prompts)


@pytest.mark.django_db
def test_a_database_error_in_a_reading_effect(bank, gateway, monkeypatch):
    """A reading effect runs without a savepoint. On PostgreSQL its database error leaves the step's
    transaction unusable, so the step fails as a whole and the call stays where it was (the transport
    answers the PBX); where the transaction survives (SQLite) the flow says 系统繁忙 as for any failed
    effect."""
    from django.db import DatabaseError

    from kefu.ivr.effects import WRITE_NOTHING_THEMSELVES, EffectRunner
    from kefu.ivr.models import IvrCall

    def broken_balance(self, *, cif_no):
        self._audit("ivr.balance_read", {"cif_no": cif_no})
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM kefu_no_such_table")

    assert "balance" in WRITE_NOTHING_THEMSELVES
    monkeypatch.setattr(EffectRunner, "do_balance", broken_balance)
    call, _ = services.start_call(channel="http", caller="13800138000", called="95500", actor=gateway)
    for key in ("1", "1", bank["a"]["card_no"] + "#"):
        services.handle_input(call_id=call.call_id, event=Digits(key), actor=gateway)
    step_before = IvrCall.objects.get(pk=call.pk).step
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="kefu_no_such_table"):  # its own error, not a later one
            services.handle_input(call_id=call.call_id, event=Digits(PIN + "#"), actor=gateway)
        assert IvrCall.objects.get(pk=call.pk).step == step_before
        assert not _audit_rows().filter(action__in=["ivr.pin_verified", "ivr.balance_read"]).exists()
    else:
        _, out = services.handle_input(call_id=call.call_id, event=Digits(PIN + "#"), actor=gateway)
        assert "系统繁忙" in "".join(p.text for p in out.prompts)
        actions = list(_audit_rows().values_list("action", flat=True))
        assert "ivr.pin_verified" in actions and "ivr.balance_read" not in actions


@pytest.mark.django_db
def test_deferred_rows_are_dropped_with_a_rolled_back_transaction(gateway):
    from kefu.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), deferred():
        record(actor=gateway, action="ivr.test", object_type="ivr.ivrcall", object_id="x")
        raise ValueError
    record(actor=gateway, action="ivr.test_direct", object_type="ivr.ivrcall", object_id="y")
    assert AuditEntry.objects.count() == before + 1  # outside a block: written at once


@pytest.mark.django_db
def test_call_start_with_recording_is_one_transaction(bank, gateway):
    with CaptureQueriesContext(connection) as q:
        call, _ = services.start_call(channel="agi", caller="13800138000", called="95500", actor=gateway,
                                      external_id="1700000000.9", recording="/var/spool/asterisk/monitor/9.wav")
    # Stored by the INSERT itself: no second write (and no second audit row) for the recording.
    assert not any('SET "recording_file"' in x["sql"] for x in q.captured_queries)
    call.refresh_from_db()
    assert call.recording_file == "/var/spool/asterisk/monitor/9.wav"
    started = _audit_rows().filter(action="ivr.call_started").last()
    assert started.changes["recording_file"] == "/var/spool/asterisk/monitor/9.wav"
    assert not _audit_rows().filter(action="ivr.recording_registered").exists()


@pytest.mark.django_db
def test_current_flow_version_is_remembered_briefly_in_process(bank, monkeypatch):
    from django.core.cache import cache

    from kefu.ivr.flows import store

    flow_id = store.current_flow_id("main")
    with CaptureQueriesContext(connection) as q:
        assert store.current_flow_id("main") == flow_id
    assert len(q) == 0  # no shared-cache (database cache) round trip for a new call
    # Another server published: this process follows within LOCAL_TTL_S (its own publishes at once, see
    # test_flows.test_publish_new_version_without_restart).
    cache.set(store.CURRENT_KEY.format(code="main"), flow_id + 1000, 300)
    try:
        assert store.current_flow_id("main") == flow_id
        from kefu.common import refcache

        later = refcache.monotonic() + store.LOCAL_TTL_S + 0.1
        monkeypatch.setattr(refcache, "monotonic", lambda: later)
        assert store.current_flow_id("main") == flow_id + 1000
    finally:
        store.forget_current("main")


def test_prompt_files_are_looked_up_once_then_remembered(settings, tmp_path, monkeypatch):
    from kefu.ivr import prompts

    settings.KEFU_IVR_PROMPT_DIR = tmp_path
    text = "查询余额请按1。"
    assert prompts.audio_file(text) is None
    recorded = tmp_path / "recorded" / f"{prompts.text_hash(text)}.wav"
    recorded.parent.mkdir()
    recorded.write_bytes(b"RIFF")
    assert prompts.audio_file(text) is None  # remembered: no stat per prompt on the FastAGI event loop
    later = prompts.monotonic() + prompts.FOUND_TTL_S + 0.1
    monkeypatch.setattr(prompts, "monotonic", lambda: later)
    assert prompts.audio_file(text) == recorded  # a recorded prompt is picked up within FOUND_TTL_S


def test_engine_copies_the_session_and_records_plain_prompts():
    from kefu.ivr.engine.machine import copy_state
    from kefu.ivr.engine.types import Expect, S, plain

    state = {"a": [1, {"b": "x"}], "n": None, "f": 1.5, "t": True}
    copied = copy_state(state)
    assert copied == state and copied["a"] is not state["a"] and copied["a"][1] is not state["a"][1]
    assert plain(S("你好")) == {"text": "你好", "say_digits": "", "sensitive": False}
    assert plain(Expect(max_digits=6, secret=True))["secret"] is True


def test_several_processes_need_a_fixed_port():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("fastagi", "--processes", "2", "--port", "0")


def test_pin_hashing_runs_in_processes_at_a_lower_cpu_priority():
    import os

    from argon2 import PasswordHasher

    from kefu.ivr.pinhash import PinHashPool

    pool = PinHashPool(workers=1, niceness=5)
    try:
        pin_hash = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("135790")
        assert pool.verify(pin_hash, "135790") is True
        assert pool.verify(pin_hash, "135791") is False
        assert pool.verify("not-a-hash", "135790") is False
        child_pid = pool._pool.submit(os.getpid).result()
        assert child_pid != os.getpid()  # not a thread of the server: never holds its GIL
        child = pool._pool.submit(os.getpriority, os.PRIO_PROCESS, 0).result()
        assert child == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
    finally:
        pool.shutdown()


def test_a_pin_hash_process_that_dies_is_replaced():
    import os
    import signal
    from concurrent.futures.process import BrokenProcessPool

    from argon2 import PasswordHasher

    from kefu.ivr.pinhash import PinHashPool

    pool = PinHashPool(workers=1, niceness=0)
    try:
        pin_hash = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("135790")
        child = pool._pool.submit(os.getpid).result()
        os.kill(child, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):  # this PIN is verified by the step instead
            for _ in range(50):  # the pool notices the death on its next use
                pool.verify(pin_hash, "135790")
        assert pool.verify(pin_hash, "135790") is True  # a new process for the next one
    finally:
        pool.shutdown()


@pytest.mark.django_db
def test_a_failed_pin_worker_falls_back_to_verifying_in_the_step(bank, gateway):
    from kefu.ivr import pins

    def broken(pin_hash, pin):
        raise RuntimeError("worker died")

    assert pins.precheck(cif_no=bank["a"]["cif_no"], pin=PIN, verifier=broken) is None
    ok = pins.precheck(cif_no=bank["a"]["cif_no"], pin=PIN, verifier=lambda h, p: True)
    assert ok["ok"] is True and ok["cif_no"] == bank["a"]["cif_no"]


# A typical call (bench/ivr.py's script plus the hand-off): information, login, balance, transactions, a
# transfer, an agent. (label, keys); None = the caller's card number.
TYPICAL_CALL = [("info", "4"), ("rates", "1"), ("back", "9"), ("account", "1"), ("balance", "1"),
                ("card", None), ("pin", PIN + "#"), ("transactions", "2"), ("back", "9"), ("transfer", "2"),
                ("payee", "1"), ("amount", "55#"), ("confirm", "1"), ("agent", "0")]

# SQL statements per step, one call at a time, without BEGIN/COMMIT (sent on SQLite, implicit on
# PostgreSQL) and PostgreSQL's SET LOCAL (test below). A navigation step is the session row locked and
# saved; "start" is the resume check, the INSERT with the session and the audit append (3). The core bank
# (sandbox, ORM) and the other apps' statements are counted too: they are part of the step's cost. Raise a
# number only with a reason, and say it in docs/ivr.md "Benchmark". On PostgreSQL the audit append's INSERT
# and the move of the chain head are two statements sent in one round trip: an audited step makes one
# round trip fewer than its count here.
EXPECTED_STATEMENTS = {
    "start": 5, "info": 2, "rates": 3, "back": 2, "account": 2, "balance": 2, "card": 4, "pin": 11,
    "transactions": 7, "transfer": 7, "payee": 2, "amount": 2, "confirm": 18, "agent": 31,
}


def _statements(captured) -> int:
    skipped = ("BEGIN", "COMMIT", "SET LOCAL")
    sent = [x["sql"] for x in captured if not x["sql"].lstrip().upper().startswith(skipped)]
    return len(sent) + sum(sql.count('; UPDATE "audit_auditchainhead"') for sql in sent)


def _play_typical_call(bank, gateway, external_id: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    counts: dict[str, int] = {}
    sql: dict[str, list[str]] = {}
    with CaptureQueriesContext(connection) as q:
        assert services.resume_call(channel="agi", external_id=external_id, actor=gateway) is None
        call, _ = services.start_call(channel="agi", caller="13800138000", called="95500", actor=gateway,
                                      external_id=external_id, recording="/var/spool/asterisk/monitor/1.wav")
    counts["start"], sql["start"] = _statements(q.captured_queries), [x["sql"] for x in q.captured_queries]
    for label, keys in TYPICAL_CALL:
        event = Digits(keys or bank["a"]["card_no"] + "#")
        with CaptureQueriesContext(connection) as q:
            prepared = services.prepare_input(call_id=call.call_id, event=event)
            services.handle_input(call_id=call.call_id, event=event, actor=gateway, prepared=prepared)
        key = label if label not in counts else f"{label}#2"
        counts[key], sql[key] = _statements(q.captured_queries), [x["sql"] for x in q.captured_queries]
    return counts, sql


@pytest.mark.django_db(transaction=True)  # real commits: on-commit work (SMS alert rule) is counted too
def test_statements_per_step_are_pinned(bank, gateway):
    from kefu.ivr.effects import forget_info

    # The first call of a process also loads the current flow version and creates the kefu customer
    # profile at the hand-off: counted on the second call, as on a running server.
    _play_typical_call(bank, gateway, "1700000000.1")
    forget_info()
    counts, sql = _play_typical_call(bank, gateway, "1700000000.2")
    expected = {**EXPECTED_STATEMENTS, "back#2": EXPECTED_STATEMENTS["back"]}
    assert counts == expected, {k: sql[k] for k in counts if counts[k] != expected.get(k)}
    # The published information is remembered: the next caller's rates step is a navigation step.
    counts, _ = _play_typical_call(bank, gateway, "1700000000.3")
    assert counts["rates"] == EXPECTED_STATEMENTS["back"]


@pytest.mark.django_db(transaction=True)
def test_a_step_reads_only_the_session_columns_it_needs(bank, gateway):
    call, _ = services.start_call(channel="http", caller="13800138000", called="95500", actor=gateway)
    with CaptureQueriesContext(connection) as q:
        services.handle_input(call_id=call.call_id, event=Digits("4"), actor=gateway)
    select = next(x["sql"] for x in q.captured_queries if x["sql"].startswith('SELECT "ivr_ivrcall"'))
    update = next(x["sql"] for x in q.captured_queries if x["sql"].startswith('UPDATE "ivr_ivrcall"'))
    for column in ("caller_enc", "last_output", '"path"', '"outcomes"'):
        assert column not in select.split(" FROM ")[0]
    # The statement compiled once still locks the row where the database can (not SQLite: one writer).
    assert ("FOR UPDATE" in select) == connection.features.has_select_for_update
    with pytest.raises(services.CallNotFound):
        services.handle_input(call_id="0" * 32, event=Digits("4"), actor=gateway)
    # The menu path changed, the outcomes and the customer did not: only what changed is written.
    written = set(re.findall(r'"(\w+)" = ', update.split(" WHERE ")[0]))
    assert written == {"path", "state", "step", "last_output", "updated_at"}
    # A resent step still gets its stored answer (the deferred column is loaded for it).
    _, again = services.handle_input(call_id=call.call_id, event=Digits("4"), actor=gateway, step=0)
    call.refresh_from_db()
    assert again.prompts and call.step == 1


@pytest.mark.django_db(transaction=True)
def test_only_navigation_steps_commit_without_waiting_for_the_flush(bank, gateway):
    call, _ = services.start_call(channel="http", caller="13800138000", called="95500", actor=gateway)
    flush_off = "SET LOCAL synchronous_commit TO OFF"
    with CaptureQueriesContext(connection) as nav:
        services.handle_input(call_id=call.call_id, event=Digits("4"), actor=gateway)
    with CaptureQueriesContext(connection) as effect:
        services.handle_input(call_id=call.call_id, event=Digits("2"), actor=gateway)  # fees: a core read
    with CaptureQueriesContext(connection) as end:
        services.handle_input(call_id=call.call_id, event=HangupEvent(), actor=gateway)
    sent = [[x["sql"] for x in c.captured_queries if flush_off in x["sql"]] for c in (nav, effect, end)]
    assert [bool(s) for s in sent] == [connection.vendor == "postgresql", False, False]
    if sent[0]:  # one round trip with the session's UPDATE
        assert sent[0] == [sent[0][0]] and sent[0][0].startswith('UPDATE "ivr_ivrcall"'), sent[0]
