"""Unmasking and key rotation: the two PII operations that change or reveal data, both audited."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import Forbidden, ValidationFailed
from kefu.org.permissions import P

from .crypto import PREFIX, active_key_id, key_id_of
from .fields import encrypted_models


def unmask(*, actor: Any, obj: Any, field: str, reason: str, value: str) -> str:
    """Return the clear value of one field for ``actor``; needs ``pii.unmask`` and a reason; audited."""
    if not actor.has_kefu_perm(P.PII_UNMASK):
        record(actor=actor, action="pii.unmask_denied", obj=obj, changes={"field": field}, kind=AuditKind.READ)
        raise Forbidden(code="pii.unmask_forbidden")
    if not reason or len(reason.strip()) < 4:
        raise ValidationFailed(_("请说明查看明文的理由（至少4个字）"), code="pii.reason_required",
                               fields={"reason": "required"})
    record(actor=actor, action="pii.unmask", obj=obj, changes={"field": field}, reason=reason.strip(),
           kind=AuditKind.READ)
    return value


def add_new_active_key(var_secrets_path: Any) -> str:
    """Add a fresh key to the file-based ring and make it active (environments manage their own ring)."""
    data = json.loads(var_secrets_path.read_text())
    ring = data["field_keys"].split(",")
    new_id = f"k{len(ring) + 1}"
    while any(part.startswith(new_id + ":") for part in ring):
        new_id += "x"
    data["field_keys"] = ",".join([f"{new_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}", *ring])
    from kefu.secrets import write_secrets_file

    write_secrets_file(var_secrets_path, data)
    return new_id


def reencrypt_all(*, actor: Any = None, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value not under the active key; safe to re-run after an interruption."""
    active = active_key_id()
    counts: dict[str, int] = {}
    for model, names in encrypted_models():
        table = model._meta.db_table
        columns = [model._meta.get_field(n).column for n in names]
        changed = 0
        last_pk: Any = None
        pk_col = model._meta.pk.column
        while True:
            with connection.cursor() as cur:
                where = f"WHERE {connection.ops.quote_name(pk_col)} > %s" if last_pk is not None else ""
                cols = ", ".join(connection.ops.quote_name(c) for c in [pk_col, *columns])
                cur.execute(f"SELECT {cols} FROM {connection.ops.quote_name(table)} {where} "  # noqa: S608
                            f"ORDER BY {connection.ops.quote_name(pk_col)} LIMIT {int(batch_size)}",
                            [last_pk] if last_pk is not None else [])
                rows = cur.fetchall()
            if not rows:
                break
            stale_pks = [r[0] for r in rows if any(
                v and str(v).startswith(PREFIX + "$") and key_id_of(str(v)) != active for v in r[1:])]
            with transaction.atomic():
                for obj in model._base_manager.filter(pk__in=stale_pks):
                    # Loading decrypted with the old key (from_db_value); the update encrypts the plaintext
                    # again through the field's get_prep_value, which always uses the active key.
                    model._base_manager.filter(pk=obj.pk).update(**{n: getattr(obj, n) for n in names})
                    changed += 1
            last_pk = rows[-1][0]
        counts[model._meta.label] = changed
    record(actor=actor, action="pii.keys_rotated", object_type="pii.keyring",
           changes={"active_key": active, "reencrypted": counts}, kind=AuditKind.SYSTEM)
    return counts


def key_ring_summary() -> dict[str, Any]:
    return {"active": settings.KEFU_FIELD_ACTIVE_KEY, "keys": sorted(settings.KEFU_FIELD_KEYS)}
