"""Outbound webhooks on state changes, for the bank's other systems.

Subscriptions are data (``WebhookSubscription``: URL, secret, actions). Each transition creates one
``WebhookDelivery`` per matching subscription; a task POSTs it and retries with exponential backoff.

Signature: header ``X-Kefu-Signature: t=<unix seconds>,v1=<hex>`` where ``hex`` is
HMAC-SHA256(secret, "<t>.<raw body>"). Receivers recompute it over the raw body, compare in constant time
and reject timestamps older than 5 minutes (replay). ``X-Kefu-Delivery`` is the idempotency key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import conf
from .choices import DeliveryStatus
from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger("kefu.workorders")
SIGNATURE_HEADER = "X-Kefu-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int | None = None, tolerance: int = 300) -> bool:
    """Reference check for receivers (and tests)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or int(time.time())) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def on_transition(sender: Any, *, workorder: Any, action: str, from_status: str, to_status: str, actor: Any,
                  **kwargs: Any) -> None:
    # Read fresh on every transition (a new subscription gets the next event), but only ids and actions:
    # a full row would decrypt each subscription's signing secret for nothing.
    subs = [pk for pk, actions in WebhookSubscription.objects.filter(active=True).values_list("pk", "actions")
            if not actions or action in actions]
    if not subs:
        return
    payload = {"event": "workorder.transitioned", "number": workorder.number, "action": action,
               "from_status": from_status, "to_status": to_status, "kind": workorder.kind,
               "severity": workorder.severity, "handling_unit": getattr(workorder.handling_unit, "code", None),
               "actor": getattr(actor, "username", None), "occurred_at": timezone.now().isoformat()}
    with transaction.atomic():
        for sub in subs:
            delivery = WebhookDelivery.objects.create(subscription_id=sub, event_id=uuid.uuid4().hex,
                                                      payload=payload)
            transaction.on_commit(partial(_enqueue, delivery_id=delivery.pk))


def _enqueue(*, delivery_id: int) -> None:
    from .tasks import deliver_webhook

    deliver_webhook.enqueue(delivery_id)


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    import httpx

    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update().select_related("subscription")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first())
        if delivery is None or delivery.next_attempt_at > timezone.now():
            return delivery
        delivery.attempts += 1
        # Claim the next slot before the network call, so a crash retries later instead of twice now.
        delivery.next_attempt_at = timezone.now() + timedelta(minutes=2 ** delivery.attempts)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "X-Kefu-Event": delivery.payload.get("event", ""),
               "X-Kefu-Delivery": delivery.event_id,
               SIGNATURE_HEADER: sign(delivery.subscription.secret, timestamp, body)}
    code, error = None, ""
    try:
        response = httpx.post(delivery.subscription.url, content=body, headers=headers, timeout=10)
        code = response.status_code
        ok = 200 <= code < 300
        error = "" if ok else f"HTTP {code}"
    except httpx.HTTPError as exc:
        ok, error = False, type(exc).__name__
    delivery.response_code, delivery.last_error = code, error[:300]
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
    elif delivery.attempts >= conf.webhook_max_attempts():
        delivery.status = DeliveryStatus.FAILED
        logger.warning("webhook delivery gave up", extra={"delivery": delivery.pk, "error": error})
    delivery.save(update_fields=["status", "delivered_at", "response_code", "last_error"])
    return delivery


def due_delivery_ids(limit: int = 200) -> list[int]:
    return list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
