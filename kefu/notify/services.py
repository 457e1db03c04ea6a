"""The notification outbox: queue (idempotent), deliver with retries and backoff, record receipts."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, models, transaction
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from kefu.audit.services import record
from kefu.common import refcache
from kefu.common.errors import NotFound, ValidationFailed
from kefu.pii.masking import mask_email, mask_mobile
from kefu.pii.validators import reject_c3

from . import conf
from .choices import Channel, NotificationStatus
from .gateways import GatewayResult, gateway_for
from .models import DeliveryAttempt, Notification, NotificationTemplate

logger = logging.getLogger("kefu.notify")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ensure_template(*, code: str, channel: str, body: str, subject: str = "", description: str = "") -> NotificationTemplate:
    """Create a template if missing (setup seeds); an edited template is never overwritten."""
    _check_template(body)
    template, _ = NotificationTemplate.objects.get_or_create(
        code=code, channel=channel, defaults={"body": body, "subject": subject, "description": description})
    return template


def _check_template(body: str) -> None:
    try:
        Template(body)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"模板语法错误：{exc}", code="notify.template_syntax") from exc


def _render(text: str, context: dict[str, Any]) -> str:
    return _compiled(text).render(Context(context, autoescape=False)).strip()


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    # Keyed by the template's text, so an edited template is compiled anew; a compiled Template is not
    # changed by rendering it.
    return Template(text)


def _mask_recipient(channel: str, to: str) -> str:
    return mask_mobile(to) if channel == Channel.SMS else mask_email(to)


def quiet_hours_end(now: datetime) -> datetime | None:
    """If ``now`` is inside quiet hours, when they end (aware); else None."""
    spec = conf.quiet_hours()
    if not spec:
        return None
    start_s, _, end_s = spec.partition("-")
    start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
    local = now.astimezone(SHANGHAI)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if (start > end and t >= start) else local.date()
    return datetime.combine(end_day, end, tzinfo=SHANGHAI)


# Templates are read by every customer-facing write; an edit reaches other processes within this many seconds.
TEMPLATE_CACHE_SECONDS = 30.0


def template_cache_key(code: str, channel: str) -> tuple[str, str, str]:
    return ("notify.template", code, channel)


def active_template(code: str, channel: str) -> NotificationTemplate | None:
    return refcache.remember(template_cache_key(code, channel), TEMPLATE_CACHE_SECONDS, lambda: (
        NotificationTemplate.objects.filter(code=code, channel=channel, active=True).first()))


def queue_notification(*, channel: str, to: str, template_code: str, context: dict[str, Any],
                       idempotency_key: str, actor: Any, related: models.Model | None = None,
                       urgent: bool = False, customer: Any = None, new_key: bool = False) -> Notification:
    """Queue one message; the same ``idempotency_key`` always returns the first notification.

    ``new_key``: the key names an object the caller created in this transaction, so no notification can
    have it yet and the lookup for one is skipped (a clash would still be caught by the unique key).
    """
    if channel not in Channel.values:
        raise ValidationFailed("不支持的通知渠道", code="notify.bad_channel", fields={"channel": channel})
    if not to:
        raise ValidationFailed("缺少收件人", code="notify.missing_recipient", fields={"to": "required"})
    if not new_key:
        existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    template = active_template(template_code, channel)
    if template is None:
        raise ValidationFailed("通知模板不存在或未启用", code="notify.template_missing",
                               fields={"template_code": template_code})
    body = _render(template.body, context)
    reject_c3(body)  # a template must never carry a PIN, CVV or track data
    now = timezone.now()
    hold_until = None if urgent or channel != Channel.SMS else quiet_hours_end(now)
    notification = Notification(
        idempotency_key=idempotency_key, channel=channel, to=to, to_masked=_mask_recipient(channel, to),
        template_code=template_code, subject=_render(template.subject, context), body=body, urgent=urgent,
        next_attempt_at=hold_until or now, related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "", customer_id=getattr(customer, "pk", None))
    with transaction.atomic(savepoint=False):
        try:
            # The only savepoint: a concurrent caller with the same key may have inserted first.
            with transaction.atomic():
                notification.save(force_insert=True)
            created = True
        except IntegrityError:
            # Read without decrypting: an exception inside this savepoint-less block would break the
            # caller's transaction, and the caller only needs the row (its address stays encrypted).
            first = Notification.objects.filter(idempotency_key=idempotency_key).defer("to", "body").first()
            if first is None:
                raise
            notification, created = first, False
        if created:
            record(actor=actor, action="notify.queued", obj=notification,
                   changes={"channel": channel, "to": notification.to_masked, "template": template_code,
                            "related": f"{notification.related_type}:{notification.related_id}",
                            "held_until": hold_until.isoformat() if hold_until else None})
            if hold_until is None:
                transaction.on_commit(partial(_enqueue_delivery, notification.pk))
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id=notification_id)
    except Exception:
        # The periodic sweep delivers it later: the outbox row is the source of truth, nothing is lost.
        logger.exception("could not enqueue notification delivery; the sweep will retry")


def _claim(notification_id: int) -> Notification | None:
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .filter(pk=notification_id, status=NotificationStatus.QUEUED, next_attempt_at__lte=timezone.now())
             .first())
        if n is None:
            return None
        n.status = NotificationStatus.SENDING
        n.attempts += 1
        n.next_attempt_at = timezone.now()  # marks when sending started, for requeue_stuck
        n.save(update_fields=["status", "attempts", "next_attempt_at"])
    return n


def deliver(*, notification_id: int) -> Notification | None:
    """Send one due notification through its gateway; on failure schedule a retry with backoff."""
    n = _claim(notification_id)
    if n is None:
        return None
    gateway_name = "?"
    try:
        gateway_name, gateway = gateway_for(n.channel)
        result = gateway.send(n)
    except Exception as exc:  # a broken gateway must not lose the message
        logger.exception("notification gateway failed")
        result = GatewayResult(False, error=type(exc).__name__, retryable=True)
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(notification=n, gateway=gateway_name, ok=result.ok,
                                       message_id=result.message_id, error=result.error[:300])
        n.gateway = gateway_name
        if result.ok:
            n.status, n.sent_at, n.gateway_message_id, n.last_error = NotificationStatus.SENT, now, result.message_id, ""
        elif result.retryable and n.attempts < conf.max_attempts():
            n.status = NotificationStatus.QUEUED
            n.next_attempt_at = now + timedelta(seconds=conf.backoff_seconds(n.attempts))
            n.last_error = result.error[:300]
        else:
            n.status, n.last_error = NotificationStatus.FAILED, result.error[:300]
        n.save(update_fields=["gateway", "status", "sent_at", "gateway_message_id", "last_error", "next_attempt_at"])
        record(actor=None, action=f"notify.{n.status}", obj=n,
               changes={"attempt": n.attempts, "gateway": gateway_name, "error": result.error[:100]})
    return n


def due_notification_ids(limit: int = 200) -> list[int]:
    return list(Notification.objects.filter(status=NotificationStatus.QUEUED, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def requeue_stuck(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Messages left 'sending' by a crashed worker go back to the queue (gateways dedupe by message uuid)."""
    cutoff = timezone.now() - older_than
    return Notification.objects.filter(status=NotificationStatus.SENDING, next_attempt_at__lt=cutoff).update(
        status=NotificationStatus.QUEUED)


def record_delivery_receipt(*, gateway: str, message_id: str, delivered: bool, error: str = "",
                            actor: Any = None) -> Notification:
    with transaction.atomic():
        n = Notification.objects.select_for_update().filter(gateway=gateway, gateway_message_id=message_id).first()
        if n is None:
            raise NotFound(code="notify.unknown_message")
        if delivered:
            n.status, n.delivered_at = NotificationStatus.DELIVERED, timezone.now()
        else:
            n.status, n.last_error = NotificationStatus.FAILED, error[:300]
        n.save(update_fields=["status", "delivered_at", "last_error"])
        record(actor=actor, action="notify.receipt", obj=n, changes={"delivered": delivered, "error": error[:100]})
    return n
