"""What keeps a step cheap under load: audit rows written last, a failed effect leaving none, the call's
start in one transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kefu.audit.services import deferred, record
from kefu.ivr import services
from kefu.ivr.engine import Digits

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
        later = store.monotonic() + store.LOCAL_TTL_S + 0.1
        monkeypatch.setattr(store, "monotonic", lambda: later)
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


def test_pin_threads_run_at_a_lower_cpu_priority():
    import os
    import threading

    from kefu.ivr.agi.server import _lower_priority

    if not hasattr(os, "getpriority"):
        pytest.skip("no per-thread priority on this system")
    seen = {}
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def work():
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        _lower_priority(5)
        seen["delta"] = os.getpriority(os.PRIO_PROCESS, tid) - before

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["delta"] in {5, 19 - os.getpriority(os.PRIO_PROCESS, 0)}  # capped at 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before  # only that thread
