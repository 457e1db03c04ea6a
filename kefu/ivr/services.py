"""Call lifecycle: start a call, feed it an input, resume it after a dropped connection, end it.

Every transport (HTTP API, softphone, FastAGI) calls these. A step locks the call row, runs the engine
(with its effects) and saves the session in one transaction, so several app servers and the FastAGI server
can share calls. Idempotency: a PBX that resends a step (same ``step`` number) gets the stored answer back;
money-moving effects carry keys fixed when the step was drafted, so a replay never posts twice.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from kefu.audit.services import deferred, record
from kefu.common.db import takes_several_statements
from kefu.pii import crypto
from kefu.pii.masking import mask_mobile

from . import conf, integrations, pins
from .choices import CallChannel, CallStatus, Disposition
from .effects import EffectRunner
from .engine import Digits, Effect, Engine, HangupEvent, Timeout
from .engine.types import Hangup, Output, Transfer, output_from_dict, output_to_dict
from .errors import BadInput, CallEnded, CallNotFound
from .flows.store import compiled_flow, current_flow_id
from .models import IvrCall
from .signals import call_ended

logger = logging.getLogger("kefu.ivr")
MAX_EFFECTS_PER_STEP = 12
ALLOWED_DIGITS = set("0123456789*#")


def engine_for(flow_id: int) -> Engine:
    return Engine(compiled_flow(flow_id), pin_length=conf.pin_length(), otp_threshold_fen=conf.otp_threshold_fen())


def parse_event(*, digits: str | None = None, timeout: bool = False, hangup: bool = False):
    if hangup:
        return HangupEvent()
    if timeout and not digits:
        return Timeout()
    if digits is None:
        raise BadInput("请提供 digits 或 timeout", fields={"digits": "required"})
    if len(digits) > 32 or any(c not in ALLOWED_DIGITS for c in digits):
        raise BadInput(fields={"digits": "invalid"})
    return Digits(digits)


def _drive(engine: Engine, runner: EffectRunner, st: dict[str, Any], out: Output) -> tuple[dict[str, Any], Output]:
    for _ in range(MAX_EFFECTS_PER_STEP):
        if not isinstance(out, Effect):
            return st, out
        st, out = engine.feed(st, runner.run(out))
    raise RuntimeError("IVR step did not settle")


def _persist(call: IvrCall, st: dict[str, Any], out: Output, actor: Any = None,
             before: dict[str, Any] | None = None, *, flush_wait: bool = True) -> None:
    """Save the session. ``before`` (the state the step started from) lets an UPDATE leave out the
    columns that did not change: the menu path and outcomes are copies of parts of the state, re-encoded
    as JSON on every step otherwise."""
    fields = ["state", "step", "last_output", "updated_at"]
    call.state = st
    call.step = st["step"]
    call.last_output = json.dumps(output_to_dict(out), ensure_ascii=False)
    path = st["path"][-200:]
    if before is None or before.get("path", [])[-200:] != path:
        call.path = path
        fields.append("path")
    if before is None or before.get("results") != st["results"]:
        call.outcomes = st["results"]
        fields.append("outcomes")
    for name, value in (("verified", bool(st["verified"])), ("cif_no", st["cif_no"]),
                        ("last_intent", st.get("last_intent", "")[:40])):
        if before is None or getattr(call, name) != value:
            setattr(call, name, value)
            fields.append(name)
    if isinstance(out, (Transfer, Hangup)):
        call.status = CallStatus.ENDED
        call.ended_at = timezone.now()
        if isinstance(out, Transfer):
            call.disposition = Disposition.TRANSFERRED
            call.transferred_queue = out.queue
            call.handoff = out.context
            if call.verified and call.cif_no:
                customer = integrations.ensure_customer(call.cif_no, actor)
                call.handoff = {**out.context, "customer_id": getattr(customer, "pk", None),
                                "customer_url": integrations.customer_url(customer)}
            fields += ["transferred_queue", "handoff"]
        else:
            call.disposition = out.disposition or Disposition.ABANDONED
        fields += ["status", "ended_at", "disposition"]
    _save_fields(call, fields, flush_wait=flush_wait)


# The session's UPDATE, compiled once per connection alias and set of columns (a handful: the menu path
# changes on most steps, the outcomes after an effect, ...): building it with the ORM on every step was the
# largest part of what a step spends in Python after the lock (py-spy, 200 calls: ~15 % of the server's GIL
# time in Model.save). Values are prepared by the fields themselves, as save() does.
_update_sql: dict[tuple[str, tuple[str, ...]], str] = {}


def _save_fields(call: IvrCall, names: list[str], *, flush_wait: bool = True) -> None:
    connection = transaction.get_connection()
    fields = [IvrCall._meta.get_field(name) for name in names]
    values = [field.pre_save(call, False) for field in fields]  # auto_now: updated_at
    key = (connection.alias, tuple(names))
    sql = _update_sql.get(key)
    if sql is None:
        query = UpdateQuery(IvrCall)
        query.add_update_fields([(field, None, value) for field, value in zip(fields, values, strict=True)])
        query.add_filter("pk", call.pk)
        sql, params = query.get_compiler(connection=connection).as_sql()
        if len(params) != len(fields) + 1 or sql.count("%s") != len(params):
            raise RuntimeError("the session UPDATE must take one parameter per column and the id")
        _update_sql[key] = sql
    params = [field.get_db_prep_save(value, connection=connection) for field, value in zip(fields, values, strict=True)]
    # Without the flush wait, the setting goes in the UPDATE's round trip where the driver takes several
    # statements (rowcount is then the UPDATE's, the first result).
    flush_off_with_update = not flush_wait and takes_several_statements(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql}; {_FLUSH_OFF}" if flush_off_with_update else sql, [*params, call.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("the call's session row was not updated")
    if not flush_wait and not flush_off_with_update:
        _commit_without_flush_wait()


def _commit_without_flush_wait() -> None:
    """A step that only moved through the menus (no effect, no audit row, call not ended) commits on
    PostgreSQL without waiting for its WAL flush (``synchronous_commit = off`` for this transaction only).

    What that risks: if the database server crashes within a fraction of a second of the commit, the call's
    session comes back one menu step earlier; the PBX connection is gone with the crash anyway. Nothing
    else is written by such a step. Steps with an effect (money, PIN attempts, sensitive reads and their
    audit rows) keep the default and wait for the flush."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FLUSH_OFF)


_FLUSH_OFF = "SET LOCAL synchronous_commit TO OFF"


def _on_end(call: IvrCall, actor: Any) -> None:
    record(actor=actor, action="ivr.call_ended", obj=call,
           changes={"disposition": call.disposition, "queue": call.transferred_queue, "verified": call.verified})
    transaction.on_commit(partial(_send_call_ended, call_pk=call.pk))


def _send_call_ended(*, call_pk: int) -> None:
    call = IvrCall.objects.filter(pk=call_pk).first()
    if call is not None:
        call_ended.send(sender=IvrCall, call=call)


def start_call(*, channel: str, caller: str, called: str, actor: Any, external_id: str = "",
               flow_code: str | None = None, recording: str = "") -> tuple[IvrCall, Output]:
    """Open a call and ask its first question. ``recording`` (the PBX's recording file, when it is known
    at the start) is stored and audited with the start: one transaction instead of two."""
    if channel not in CallChannel.values:
        raise BadInput(fields={"channel": "invalid"})
    caller = (caller or "").strip()[:32]
    called = (called or "").strip()[:32]
    if any(not (c.isdigit() or c in "+-") for c in caller + called):
        raise BadInput("号码只能包含数字", fields={"caller": "invalid"})
    flow_id = current_flow_id(flow_code or conf.default_flow_code())
    engine = engine_for(flow_id)
    recording = (recording or "").strip()[:255]
    call = IvrCall(
        channel=channel, external_id=external_id[:80], flow_id=flow_id, caller_masked=mask_mobile(caller) if caller else "",
        caller_index=crypto.blind_index("mobile", caller) if caller else "", caller_enc=caller, called=called,
        started_at=timezone.now(), recording_file=recording)
    # The engine runs first: a flow that starts with a question (every valid flow: the entry is a menu)
    # is inserted with its session in one INSERT, no UPDATE after it.
    st, out = engine.start(call_id=call.call_id)
    with transaction.atomic(), deferred():
        if isinstance(out, Effect):
            call.save(force_insert=True)
            st, out = _drive(engine, EffectRunner(call, actor), st, out)
            _persist(call, st, out, actor)
        else:
            _set_session(call, st, out)
            call.save(force_insert=True)
        changes = {"channel": channel, "caller": caller, "called": called, "flow_version": engine.flow["version"]}
        record(actor=actor, action="ivr.call_started", obj=call,
               changes={**changes, "recording_file": recording} if recording else changes)
        if call.status == CallStatus.ENDED:
            _on_end(call, actor)
    return call, out


def _set_session(call: IvrCall, st: dict[str, Any], out: Output) -> None:
    """The session columns of a new call whose first output is a question."""
    call.state, call.step, call.path, call.outcomes = st, st["step"], st["path"][-200:], st["results"]
    call.verified, call.cif_no, call.last_intent = bool(st["verified"]), st["cif_no"], st.get("last_intent", "")[:40]
    call.last_output = json.dumps(output_to_dict(out), ensure_ascii=False)


# Not read by a step: the caller's number (decrypted only for a callback), the stored answer (only for a
# resent step), and the path and outcomes (copies of parts of the state); loaded on access when needed.
STEP_DEFERRED = ("caller_enc", "last_output", "path", "outcomes")


# The statement that locks a call's session, compiled once per database connection alias: building it with
# the ORM on every step was the largest part of a menu step's CPU (cProfile: ~55 %; SQLite 0.85-1.0 -> 0.5-0.6
# ms per menu step). Same SQL as ``select_for_update().defer(...).filter(call_id=...)`` (FOR UPDATE is left
# out by the compiler where the database has none, as on SQLite).
_lock_sql: dict[str, str] = {}


def _locked_call(call_id: str) -> IvrCall:
    connection = transaction.get_connection()
    sql = _lock_sql.get(connection.alias)
    if sql is None:
        query = IvrCall.objects.select_for_update().defer(*STEP_DEFERRED).filter(call_id=call_id).query
        sql, params = query.get_compiler(connection=connection).as_sql()
        if list(params) != [call_id]:
            raise RuntimeError("the session lock statement must take the call id as its only parameter")
        _lock_sql[connection.alias] = sql
    rows = list(IvrCall.objects.raw(sql, [call_id]))
    if not rows:
        raise CallNotFound()
    return rows[0]


def may_need_preparation(event: Any) -> bool:
    if not isinstance(event, Digits):
        return False
    digits = event.digits.rstrip("#")
    return digits.isdigit() and len(digits) == conf.pin_length()


def prepare_input(*, call_id: str, event: Any, verifier: Any = None) -> dict[str, Any] | None:
    """Run the slow argon2 check before the step's transaction, so no lock is held while hashing (on SQLite
    the step's transaction holds the database write lock). The result is used only if the credential has
    not changed in between (see ``pins.verify_pin``). ``verifier``: see ``pins.precheck``."""
    if not may_need_preparation(event):
        return None
    row = IvrCall.objects.filter(call_id=call_id).values("state").first()
    state = (row or {}).get("state") or {}
    if state.get("phase") not in {"auth_pin", "loss_pin"}:
        return None
    cif_no = (state.get("w") or {}).get("auth_cif", "")
    return pins.precheck(cif_no=cif_no, pin=event.digits.rstrip("#"), verifier=verifier) if cif_no else None


_UNSET: Any = object()


def handle_input(*, call_id: str, event: Any, actor: Any, step: int | None = None,
                 prepared: Any = _UNSET) -> tuple[IvrCall, Output]:
    """Feed one input. ``step`` (optional) is the step number of the output being answered: an already
    answered step gets its stored answer back instead of being applied twice. ``prepared`` is the result of
    :func:`prepare_input` when the transport ran it on another thread."""
    precheck = prepare_input(call_id=call_id, event=event) if prepared is _UNSET else prepared
    # Audit rows are written last (audit.deferred): the chain head is locked only for them and the commit.
    with transaction.atomic(), deferred():
        call = _locked_call(call_id)
        if step is not None and step < call.step and call.last_output:
            return call, output_from_dict(json.loads(call.last_output))
        if call.status == CallStatus.ENDED:
            raise CallEnded()
        engine = engine_for(call.flow_id)
        before = call.state
        st, out = engine.feed(before, event)
        runner = EffectRunner(call, actor, pin_precheck=precheck)
        st, out = _drive(engine, runner, st, out)
        # A step that only moved through the menus (no effect ran, the call goes on) need not wait for the
        # flush (see _commit_without_flush_wait); the setting goes with the session's UPDATE.
        navigation_only = not runner.ran and not isinstance(out, (Transfer, Hangup))
        _persist(call, st, out, actor, before=before, flush_wait=not navigation_only)
        if call.status == CallStatus.ENDED:
            _on_end(call, actor)
    return call, out


def resume_call(*, channel: str, external_id: str, actor: Any) -> tuple[IvrCall, Output] | None:
    """A PBX reconnecting for a call in progress (FastAGI after a dropped connection): replay the last
    question; nothing is re-applied."""
    active = IvrCall.objects.filter(channel=channel, external_id=external_id, status=CallStatus.ACTIVE)
    # Almost every AGI connection is a new call: one plain read instead of a locking transaction.
    if not active.exists():
        return None
    with transaction.atomic():
        call = active.select_for_update().order_by("-started_at").first()
        if call is None or not call.last_output:
            return None
        call.path = [*call.path, "@resumed"]
        call.state = {**call.state, "path": [*call.state.get("path", []), "@resumed"]}
        call.save(update_fields=["path", "state", "updated_at"])
        record(actor=actor, action="ivr.call_resumed", obj=call, changes={"step": call.step})
        return call, output_from_dict(json.loads(call.last_output))


def register_recording(*, call: IvrCall, path: str, actor: Any) -> IvrCall:
    path = (path or "").strip()[:255]
    if not path:
        return call
    with transaction.atomic():
        IvrCall.objects.filter(pk=call.pk).update(recording_file=path)
        call.recording_file = path
        record(actor=actor, action="ivr.recording_registered", obj=call, changes={"recording_file": path})
    return call


def close_stale_calls(*, actor: Any = None, now: Any = None) -> int:
    """End calls whose transport vanished without a hangup (counted as abandoned)."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.stale_call_minutes())
    closed = 0
    for call_id in list(IvrCall.objects.filter(status=CallStatus.ACTIVE, updated_at__lt=cutoff)
                        .values_list("call_id", flat=True)[:500]):
        try:
            handle_input(call_id=call_id, event=HangupEvent(), actor=actor)
            closed += 1
        except CallEnded:
            continue
    return closed
