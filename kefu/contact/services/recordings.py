"""Call recordings: ingest with a checksum, permission-checked and audited playback, retention with legal hold."""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import Conflict, Forbidden, ValidationFailed
from kefu.org.access import require_perm

from ..models import Interaction, Recording, RetentionPolicy
from ..permissions import ContactP

ALLOWED_TYPES = {"audio/wav", "audio/x-wav", "audio/mpeg", "audio/ogg", "audio/mp4", "audio/webm"}
MAX_BYTES = 200 * 1024 * 1024


def recording_storage():
    return storages["recordings"]


def _sha256(fh: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fh.seek(0)
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fh.seek(0)
    return digest.hexdigest(), size


def retention_days(category: str) -> int:
    policy = RetentionPolicy.objects.filter(category=category).first()
    return policy.days if policy else int(getattr(settings, "KEFU_RECORDING_RETENTION_DAYS", 3 * 365))


def register_recording(*, fileobj: IO[bytes], name: str, actor: Any, interaction: Interaction | None = None,
                       ivr_call_id: str = "", category: str = "general", source: str = "pbx",
                       duration_seconds: int | None = None, recorded_at=None,
                       expected_sha256: str = "") -> Recording:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type not in ALLOWED_TYPES:
        raise ValidationFailed("不支持的录音格式", code="contact.recording_type", fields={"file": content_type})
    sha, size = _sha256(fileobj)
    if size == 0 or size > MAX_BYTES:
        raise ValidationFailed("录音文件为空或过大", code="contact.recording_size", fields={"file": size})
    if expected_sha256 and expected_sha256.lower() != sha:
        raise ValidationFailed("录音校验值不一致，文件可能在传输中损坏", code="contact.recording_checksum")
    recorded_at = recorded_at or timezone.now()
    storage_name = f"{recorded_at:%Y/%m/%d}/{sha[:16]}{Path(name).suffix.lower()}"
    with transaction.atomic():
        stored = recording_storage().save(storage_name, File(fileobj, name=name))
        rec = Recording.objects.create(
            interaction=interaction, ivr_call_id=ivr_call_id or (interaction.ivr_call_id if interaction else ""),
            storage_name=stored, original_name=Path(name).name[:200], content_type=content_type, size_bytes=size,
            sha256=sha, duration_seconds=duration_seconds, source=source, category=category,
            recorded_at=recorded_at,
            retain_until=(recorded_at + timedelta(days=retention_days(category))).date(),
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        record(actor=actor, action="contact.recording_registered", obj=rec,
               changes={"sha256": sha, "size": size, "category": category, "interaction": getattr(interaction, "pk", None)})
    return rec


def open_for_playback(*, recording: Recording, actor: Any, download: bool = False, reason: str = "") -> IO[bytes]:
    """Permission-checked, audited access; the checksum is verified so a altered file is never played."""
    require_perm(actor, ContactP.RECORDING_DOWNLOAD if download else ContactP.RECORDING_PLAY)
    if recording.purged_at:
        raise Conflict("录音已按保存期限删除", code="contact.recording_purged")
    fh = recording_storage().open(recording.storage_name, "rb")
    sha, _ = _sha256(fh)
    if sha != recording.sha256:
        fh.close()
        record(actor=actor, action="contact.recording_checksum_mismatch", obj=recording, kind=AuditKind.SYSTEM)
        raise Conflict("录音文件校验失败，已记录并通知管理员", code="contact.recording_tampered")
    record(actor=actor, action="contact.recording_downloaded" if download else "contact.recording_played",
           obj=recording, reason=reason, kind=AuditKind.READ)
    return fh


def set_legal_hold(*, recording: Recording, hold: bool, reason: str, actor: Any) -> Recording:
    require_perm(actor, ContactP.RECORDING_HOLD)
    if not reason:
        raise ValidationFailed("请填写保全或解除原因", code="contact.reason_required", fields={"reason": "required"})
    with transaction.atomic():
        rec = Recording.objects.select_for_update().get(pk=recording.pk)
        before = rec.legal_hold
        rec.legal_hold, rec.legal_hold_reason = hold, reason[:200]
        rec.save(update_fields=["legal_hold", "legal_hold_reason"])
        record(actor=actor, action="contact.recording_legal_hold", obj=rec, changes={"legal_hold": [before, hold]},
               reason=reason)
    return rec


def purge_expired(*, today=None, actor: Any = None) -> int:
    """Delete files past their retention date unless under legal hold; the row stays as evidence of deletion."""
    today = today or timezone.localdate()
    purged = 0
    for rec in Recording.objects.filter(retain_until__lt=today, legal_hold=False, purged_at__isnull=True):
        with transaction.atomic():
            locked = Recording.objects.select_for_update().get(pk=rec.pk)
            if locked.legal_hold or locked.purged_at:
                continue
            recording_storage().delete(locked.storage_name)
            locked.purged_at = timezone.now()
            locked.save(update_fields=["purged_at"])
            record(actor=actor, action="contact.recording_purged", obj=locked,
                   changes={"retain_until": str(locked.retain_until)}, kind=AuditKind.SYSTEM)
            purged += 1
    return purged


def ensure_can_see(*, recording: Recording, actor: Any) -> None:
    if not actor.has_kefu_perm(ContactP.RECORDING_PLAY):
        raise Forbidden()
