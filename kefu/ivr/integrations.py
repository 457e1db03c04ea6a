"""Calls into other apps, imported lazily so the IVR keeps working while they evolve (and tests can swap
them). Each function documents the contract it relies on (docs: /tmp/kefu/CONTRACTS.md)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("kefu.ivr")


def core_bank():
    """``kefu.corebank.adapter.get_core_bank()``: the configured core (sandbox or HTTP)."""
    from kefu.corebank.adapter import get_core_bank

    return get_core_bank()


def find_customer(cif_no: str) -> Any:
    """The kefu customer profile (``kefu.customers``), or None when that app has no row for it."""
    try:
        from kefu.customers.selectors import get_by_cif
    except ImportError:
        return None
    try:
        return get_by_cif(cif_no)
    except Exception:  # a missing profile must never break a call
        logger.warning("customer lookup failed", exc_info=True)
        return None


def ensure_customer(cif_no: str, actor: Any) -> Any:
    """The kefu profile for a verified caller, created/refreshed from the core so the agent's screen can
    pop the customer 360 (``kefu.customers.services.sync_customer_from_core``). Never breaks a call."""
    from django.db import transaction

    try:
        from kefu.customers.services import sync_customer_from_core
    except ImportError:
        return find_customer(cif_no)
    try:
        with transaction.atomic():
            return sync_customer_from_core(cif_no=cif_no, actor=actor)
    except Exception:
        logger.warning("customer sync for hand-off failed", exc_info=True)
        return find_customer(cif_no)


def customer_url(customer: Any) -> str:
    if customer is None:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("customers:detail", kwargs={"pk": customer.pk})
    except NoReverseMatch:
        return ""


def queue_sms(*, to: str, template_code: str, context: dict[str, Any], idempotency_key: str, actor: Any,
              related: Any = None, urgent: bool = False, customer: Any = None) -> Any:
    """``kefu.notify.services.queue_notification`` for an SMS; None when notify is not installed."""
    try:
        from kefu.notify.services import queue_notification
    except ImportError:
        logger.warning("notify not available; SMS %s not queued", template_code)
        return None
    return queue_notification(channel="sms", to=to, template_code=template_code, context=context,
                              idempotency_key=idempotency_key, actor=actor, related=related, urgent=urgent,
                              customer=customer)


def create_followup_workorder(**kwargs: Any) -> Any:
    """``kefu.workorders.services.create_workorder``; None when work orders are not installed."""
    try:
        from kefu.workorders.services import create_workorder
    except ImportError:
        logger.warning("workorders not available; follow-up not opened")
        return None
    return create_workorder(**kwargs)


def ensure_sms_template(*, code: str, body: str, description: str) -> None:
    try:
        from kefu.notify.services import ensure_template
    except ImportError:
        return
    ensure_template(code=code, channel="sms", body=body, description=description)
