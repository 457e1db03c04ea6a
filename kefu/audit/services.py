"""Writing to the audit trail: every write and every read of sensitive data goes through ``record``.

Values are masked before they are stored: fields known to hold PII (by name, see ``kefu.pii.masking``)
and any card/ID/mobile number found in free text.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

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
    """Append one entry to the chain; call it inside the transaction of the write it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    ctx = current_request_context()
    actor_obj = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
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
            prev_hash=head.last_hash,
        )
        # Round-trip the JSON the way the database returns it (key order, types) so the hash verifies.
        entry.changes = json.loads(canonical_content(entry.changes))
        entry.entry_hash = compute_hash(entry.prev_hash, entry_values(entry))
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


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
