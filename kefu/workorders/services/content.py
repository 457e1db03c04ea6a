"""Notes, attachments and classification edits on an existing work order."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.base import File
from django.db import transaction

from kefu.audit.services import field_changes, record, snapshot

from .. import conf
from ..choices import AttachmentKind, BusinessLine, Category, Dimension, NoteVisibility, Severity
from ..errors import AttachmentRejected, InvalidWorkOrder, TransitionForbidden
from ..models import Attachment, Note, WorkOrder
from ..permissions import WP
from ..workflow import in_handling_unit, log_event
from .intake import check_free_text, resolve_classification

# Leading bytes of the allowed binary types: the suffix alone is never trusted.
_MAGIC = {
    "application/pdf": [b"%PDF"], "image/jpeg": [b"\xff\xd8\xff"], "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/tiff": [b"II*\x00", b"MM\x00*"], "audio/mpeg": [b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"],
    "audio/wav": [b"RIFF"],
}


def can_write(user: Any, wo: WorkOrder) -> bool:
    return user.has_kefu_perm(WP.HANDLE) or (
        (user.has_kefu_perm(WP.PROCESS) or user.has_kefu_perm(WP.INTAKE_BRANCH)) and in_handling_unit(user, wo)
    ) or (user.has_kefu_perm(WP.INTAKE_BRANCH) and wo.intake_unit_id == getattr(user, "unit_id", None))


def _require_write(user: Any, wo: WorkOrder) -> None:
    if not can_write(user, wo):
        raise TransitionForbidden(code="workorder.write_forbidden")


def add_note(*, workorder: WorkOrder, actor: Any, body: str, visibility: str = NoteVisibility.INTERNAL) -> Note:
    _require_write(actor, workorder)
    body = (body or "").strip()
    if not body:
        raise InvalidWorkOrder(code="workorder.note_empty", fields={"body": "required"})
    if visibility not in NoteVisibility.values:
        raise InvalidWorkOrder(code="workorder.invalid_visibility", fields={"visibility": visibility})
    check_free_text(body=body)
    with transaction.atomic():
        note = Note.objects.create(workorder=workorder, author=actor, body=body, visibility=visibility)
        log_event(wo=workorder, action="note_added", actor=actor, data={"note_id": note.pk, "visibility": visibility})
        record(actor=actor, action="workorder.note_added", obj=workorder,
               changes={"visibility": visibility, "length": len(body)})
        from ..search import update_document

        update_document(workorder)
    return note


def validate_upload(name: str, content_type: str, size: int, head: bytes) -> str:
    suffix = PurePath(name or "").suffix.lower()
    allowed = conf.attachment_types()
    expected = allowed.get(suffix)
    if expected is None:
        raise AttachmentRejected(code="workorder.attachment_type", fields={"file": f"type {suffix or '?'} not allowed"})
    if size <= 0 or size > conf.attachment_max_bytes():
        raise AttachmentRejected(code="workorder.attachment_size",
                                 fields={"file": f"size must be 1..{conf.attachment_max_bytes()} bytes"})
    magics = _MAGIC.get(expected)
    if magics and not any(head.startswith(m) for m in magics):
        raise AttachmentRejected(code="workorder.attachment_content",
                                 fields={"file": "content does not match the file type"})
    return expected


def add_attachment(*, workorder: WorkOrder, actor: Any, file: File, name: str, kind: str = AttachmentKind.OTHER,
                   customer_visible: bool = False) -> Attachment:
    _require_write(actor, workorder)
    return store_attachment(workorder=workorder, actor=actor, file=file, name=name, kind=kind,
                            customer_visible=customer_visible)


def store_attachment(*, workorder: WorkOrder, actor: Any, file: File, name: str, kind: str = AttachmentKind.OTHER,
                     customer_visible: bool = False) -> Attachment:
    """Validate and store a file (the caller has checked the permission; intake uses it directly)."""
    if kind not in AttachmentKind.values:
        raise InvalidWorkOrder(code="workorder.invalid_attachment_kind", fields={"kind": kind})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    size = getattr(file, "size", None) or len(file.read())
    file.seek(0)
    content_type = validate_upload(name, "", size, head)
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        att = Attachment(workorder=workorder, kind=kind, original_name=PurePath(name).name[:200],
                         content_type=content_type, size=size, sha256=digest.hexdigest(), uploaded_by=actor,
                         customer_visible=customer_visible)
        att.file.save(PurePath(name).name, file, save=False)
        att.save()
        log_event(wo=workorder, action="attachment_added", actor=actor,
                  data={"attachment_id": att.pk, "name": att.original_name, "size": size, "kind": kind})
        record(actor=actor, action="workorder.attachment_added", obj=workorder,
               changes={"name": att.original_name, "size": size, "sha256": att.sha256})
    return att


CLASSIFICATION_FIELDS = ["category", "business_line", "severity", "jrt_channel_id", "jrt_business_id",
                         "jrt_reason_id", "tags"]


def update_classification(*, workorder: WorkOrder, actor: Any, **values: Any) -> WorkOrder:
    """Correct category, business line, severity, JR/T codes and tags (audited field by field)."""
    _require_write(actor, workorder)
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=workorder.pk)
        before = snapshot(wo, CLASSIFICATION_FIELDS)
        for name, choices in (("category", Category), ("business_line", BusinessLine), ("severity", Severity)):
            if name in values:
                value = values[name] or ""
                if value and value not in choices.values:
                    raise InvalidWorkOrder(code=f"workorder.invalid_{name}", fields={name: value})
                setattr(wo, name, value or ("general" if name == "severity" else ""))
        for name, dim in (("jrt_channel", Dimension.CHANNEL), ("jrt_business", Dimension.BUSINESS),
                          ("jrt_reason", Dimension.REASON)):
            if name in values:
                setattr(wo, name, resolve_classification(values[name], dim))
        if "tags" in values:
            tags = values["tags"] or []
            if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 30 for t in tags):
                raise InvalidWorkOrder(code="workorder.invalid_tags", fields={"tags": "list of short strings"})
            wo.tags = tags
        changes = field_changes(wo, before, CLASSIFICATION_FIELDS)
        if changes:
            wo.save()
            log_event(wo=wo, action="classified", actor=actor, data=dict(changes.items()))
            record(actor=actor, action="workorder.classified", obj=wo, changes=changes)
    return wo
