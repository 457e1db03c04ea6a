"""Writing to the audit trail: every write and every read of sensitive data goes through ``record``.

Values are masked before they are stored: fields known to hold PII (by name, see ``kefu.pii.masking``)
and any card/ID/mobile number found in free text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from kefu.common.db import takes_several_statements
from kefu.ops.context import current_request_context
from kefu.pii.masking import mask_for_audit

from .choices import AuditKind
from .models import AuditChainHead, AuditCheckpoint, AuditEntry

HASHED_FIELDS = ("seq", "created_at", "kind", "actor_id", "actor_label", "action", "object_type",
                 "object_id", "object_repr", "changes", "reason", "request_id", "ip")


def canonical_content(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_content(values)).encode()).hexdigest()


def entry_values(entry: AuditEntry) -> dict[str, Any]:
    values = {f: getattr(entry, f) for f in HASHED_FIELDS}
    values["created_at"] = entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    values["actor_id"] = str(entry.actor_id) if entry.actor_id is not None else ""
    return values


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    kind: str = AuditKind.WRITE,
) -> AuditEntry:
    """Append one entry to the chain; call it inside the transaction of the write it records.

    Inside ``deferred()`` the entry is kept until the end of that block and appended there with the
    others (its ``seq`` and hash are set then).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    ctx = current_request_context()
    actor_obj = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        kind=kind,
        actor_id=actor_obj.pk if actor_obj else None,
        actor_label=_actor_label(actor)[:150],
        action=action[:80],
        object_type=object_type[:80],
        object_id=str(object_id)[:64],
        object_repr=mask_for_audit("object_repr", object_repr)[:200],
        changes=mask_for_audit("changes", changes or {}),
        reason=mask_for_audit("reason", reason)[:500],
        request_id=ctx.request_id[:64],
        ip=ctx.ip[:45],
    )
    # Round-trip the JSON the way the database returns it (key order, types) so the hash verifies.
    entry.changes = json.loads(canonical_content(entry.changes))
    connection = transaction.get_connection()
    batch = getattr(connection, _BATCH_ATTR, None)
    if batch is not None and connection.in_atomic_block:
        batch.append(_Pending(entry))
        return entry
    with transaction.atomic(savepoint=False):
        _append([entry])
    return entry


_BATCH_ATTR = "kefu_audit_batch"


class _Pending:
    """A deferred entry and its on-commit marker.

    Django drops on-commit callbacks registered inside a savepoint that is rolled back; the marker's
    presence at the end of the block therefore tells whether the write this entry records survived.
    """

    __slots__ = ("entry", "marker")

    def __init__(self, entry: AuditEntry) -> None:
        self.entry = entry
        self.marker = _marker()
        transaction.on_commit(self.marker)


def _marker():
    return lambda: None


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the ``record`` calls of one service call and append them together at the end of the block.

    Use it inside ``transaction.atomic()``: the chain head is then locked once, for the end of the
    transaction only, instead of once per entry from the first write on (which serialised every
    concurrent writer behind the slowest transaction). Nested blocks join the outermost one.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.deferred() must run inside transaction.atomic()")
    if getattr(connection, _BATCH_ATTR, None) is not None:
        yield
        return
    batch: list[_Pending] = []
    setattr(connection, _BATCH_ATTR, batch)
    try:
        yield
    finally:
        setattr(connection, _BATCH_ATTR, None)
    registered = {id(func) for _sids, func, _robust in connection.run_on_commit}
    kept = [p.entry for p in batch if id(p.marker) in registered]
    if kept:
        _append(kept)


@contextmanager
def dropped_on_error() -> Iterator[None]:
    """Inside ``deferred()``: the entries recorded in this block are dropped if it raises.

    For a block that writes nothing else to the database (a read, or a call that keeps its own
    savepoint): what a savepoint's rollback does for the entries of a block that writes, without the
    savepoint's two round trips."""
    batch = getattr(transaction.get_connection(), _BATCH_ATTR, None)
    start = len(batch) if batch is not None else 0
    try:
        yield
    except BaseException:
        if batch is not None:
            del batch[start:]
        raise


def _append(entries: list[AuditEntry]) -> None:
    """Lock the chain head, link and hash the entries in order, insert them and move the head."""
    connection = transaction.get_connection()
    seq, prev_hash = _lock_head(connection)
    now = timezone.now()
    for entry in entries:
        seq += 1
        entry.seq, entry.created_at, entry.prev_hash = seq, now, prev_hash
        entry.entry_hash = prev_hash = compute_hash(prev_hash, entry_values(entry))
    move_head = f"UPDATE {_head_table(connection)} SET last_seq = %s, last_hash = %s WHERE id = 1"  # noqa: S608 (table name from the model; values are bound)
    if takes_several_statements(connection):
        # The INSERT and the head's move in one round trip (the head stays locked until the commit).
        query = InsertQuery(AuditEntry)
        query.insert_values([f for f in AuditEntry._meta.concrete_fields if not f.primary_key], entries)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [AuditEntry._meta.pk]
        [(insert, params)] = compiler.as_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"{insert}; {move_head}", [*params, seq, prev_hash])
            for entry, (pk,) in zip(entries, cursor.fetchall(), strict=True):
                entry.pk, entry._state.adding, entry._state.db = pk, False, connection.alias
        return
    # bulk_create, like save(force_insert=True), only ever inserts: the table stays append-only.
    AuditEntry.objects.bulk_create(entries)
    with connection.cursor() as cursor:
        cursor.execute(move_head, [seq, prev_hash])


# The chain head is read and moved on every audited write: two fixed statements, written out rather than
# built by the ORM each time (the same SQL select_for_update()/update() produce).
def _head_table(connection: Any) -> str:
    return connection.ops.quote_name(AuditChainHead._meta.db_table)


def _lock_head(connection: Any) -> tuple[int, str]:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {_head_table(connection)} WHERE id = 1{lock}")  # noqa: S608 (table name from the model)
        row = cursor.fetchone()
    if row is None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        return head.last_seq, head.last_hash
    return row[0], row[1]


def field_changes(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that changed; values are masked by ``record``."""
    out: dict[str, Any] = {}
    for name in fields:
        new = getattr(instance, name)
        old = before.get(name)
        if old != new:
            out[name] = [old, new]
    return out


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def prune_expired(*, actor: Any = None, now: Any = None) -> int:
    """Remove entries older than the retention period behind a checkpoint that keeps the chain verifiable."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KEFU_AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().get_or_create(id=1)
        old = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("-seq").values("seq").first()
        if old is None:
            return 0
        first_kept = AuditEntry.objects.filter(seq__gt=old["seq"]).order_by("seq").first()
        if first_kept is None:
            return 0  # never prune the tip: the chain head must stay anchored to a stored entry
        count = AuditEntry.objects.filter(seq__lt=first_kept.seq).count()
        # QuerySet.delete bypasses the model's guard on purpose: this is the retention job, and the
        # checkpoint written below records exactly what was removed.
        models.QuerySet.delete(AuditEntry.objects.filter(seq__lt=first_kept.seq))
        AuditCheckpoint.objects.create(first_seq=first_kept.seq, prev_hash=first_kept.prev_hash,
                                       pruned_count=count)
    record(actor=actor, action="audit.pruned", object_type="audit.auditentry",
           changes={"pruned": count, "first_seq": first_kept.seq}, kind=AuditKind.SYSTEM)
    return count
