"""Email intake: an RFC 822 message becomes a work order (inbound endpoint and the IMAP pull command).

Idempotent by Message-ID (a gateway retry or a re-fetched message never creates a second case). The raw
message is kept as an attachment for the record; attached files that pass the type and size checks are
attached too.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from django.core.files.base import ContentFile

from .choices import AttachmentKind, Channel, Kind, ReplyChannel
from .errors import AttachmentRejected, DuplicateSource, InvalidWorkOrder
from .models import WorkOrder

logger = logging.getLogger("kefu.workorders")

_KIND_WORDS = [(Kind.COMPLAINT, ("投诉", "不满", "举报", "complaint")), (Kind.SUGGESTION, ("建议", "suggest")),
               (Kind.PRAISE, ("表扬", "感谢", "表彰")), (Kind.SERVICE_REQUEST, ("调账", "申请", "办理"))]


@dataclass
class ParsedMail:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    body: str
    files: list[tuple[str, bytes]] = field(default_factory=list)


def parse_message(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise InvalidWorkOrder(code="workorder.email_empty", fields={"message": "empty"})
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = parseaddr(str(msg.get("From", "")))
    if not address or "@" not in address:
        raise InvalidWorkOrder(code="workorder.email_no_sender", fields={"From": "missing or invalid"})
    message_id = str(msg.get("Message-ID", "")).strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    body = ""
    files: list[tuple[str, bytes]] = []
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is not None:
            body = part.get_content()
            if part.get_content_type() == "text/html":
                body = html.unescape(re.sub(r"<[^>]+>", " ", body))
        for att in msg.iter_attachments():
            filename = att.get_filename()
            payload = att.get_payload(decode=True)
            if filename and payload:
                files.append((filename, payload))
    except (LookupError, ValueError, AttributeError) as exc:
        raise InvalidWorkOrder(code="workorder.email_unreadable", fields={"message": type(exc).__name__}) from exc
    subject = re.sub(r"\s+", " ", str(msg.get("Subject", "")).strip())
    return ParsedMail(message_id=message_id[:200], sender_name=name.strip(), sender_email=address.strip(),
                      subject=subject, body=re.sub(r"\n{3,}", "\n\n", body).strip(), files=files)


def guess_kind(text: str) -> str:
    try:
        from kefu.assist.triage import is_available, triage

        if is_available():
            result = triage(text)
            if result.kind in Kind.values:
                return result.kind
    except Exception:  # triage is a suggestion only; keyword rules below still apply
        logger.info("triage unavailable for email intake")
    lowered = text.lower()
    for kind, words in _KIND_WORDS:
        if any(w in lowered for w in words):
            return kind
    return Kind.CONSULTATION


def intake_email(*, raw: bytes, actor: Any, intake_unit: Any = None) -> tuple[WorkOrder, bool]:
    """Create (or find, by Message-ID) the work order of one message; returns (work order, created)."""
    from .services import create_workorder

    parsed = parse_message(raw)
    existing = WorkOrder.objects.filter(channel=Channel.EMAIL, source_ref=parsed.message_id).first()
    if existing is not None:
        return existing, False
    title = (parsed.subject or parsed.body[:40] or "（无主题邮件）")[:200]
    try:
        wo = create_workorder(actor=actor, kind=guess_kind(f"{parsed.subject}\n{parsed.body}"), channel=Channel.EMAIL,
                              title=title, description=parsed.body[:20000], contact_name=parsed.sender_name[:50],
                              contact_email=parsed.sender_email, preferred_reply_channel=ReplyChannel.EMAIL,
                              source_ref=parsed.message_id, intake_unit=intake_unit)
    except DuplicateSource:
        return WorkOrder.objects.get(channel=Channel.EMAIL, source_ref=parsed.message_id), False
    _attach(wo, actor, "message.eml", raw, AttachmentKind.EMAIL)
    for name, payload in parsed.files:
        _attach(wo, actor, name, payload, AttachmentKind.EVIDENCE)
    return wo, True


def _attach(wo: WorkOrder, actor: Any, name: str, payload: bytes, kind: str) -> None:
    from .services.content import store_attachment

    try:
        store_attachment(workorder=wo, actor=actor, file=ContentFile(payload, name=name), name=name, kind=kind)
    except AttachmentRejected as exc:
        from .workflow import log_event

        log_event(wo=wo, action="attachment_rejected", actor=actor, data={"name": name[:100], "code": exc.code})
