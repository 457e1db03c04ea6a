"""Consent records (purpose, scope, time, channel, withdrawal) and the one check other features call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import InvalidTransition

from ..choices import ConsentChannel, ConsentPurpose
from ..errors import AnonymisedCustomer, CustomerInvalid
from ..models import Consent, Customer
from .fields import clean_text


def has_consent(*, customer: Customer, purpose: str, at: datetime | None = None) -> bool:
    """True when an effective, unwithdrawn consent for ``purpose`` exists (marketing also obeys the opt-out)."""
    if customer is None or customer.is_anonymised:
        return False
    if purpose == ConsentPurpose.MARKETING and customer.marketing_opt_out:
        return False
    now = at or timezone.now()
    latest = (Consent.objects.filter(customer=customer, purpose=purpose, granted_at__lte=now)
              .order_by("-granted_at", "-id").first())
    return latest is not None and latest.is_effective(now)


def record_consent(*, customer: Customer, purpose: str, channel: str, actor: Any, scope: str = "",
                   evidence: str = "", expires_at: datetime | None = None) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise CustomerInvalid(_("授权用途无效"), code="customers.invalid_purpose", fields={"purpose": "invalid"})
    if channel not in ConsentChannel.values:
        raise CustomerInvalid(_("渠道无效"), code="customers.invalid_channel", fields={"channel": "invalid"})
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    scope = clean_text(scope, "scope", required=False)
    evidence = clean_text(evidence, "evidence", max_length=200, required=False)
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise CustomerInvalid(_("有效期须晚于当前时间"), code="customers.invalid_expiry", fields={"expires_at": "past"})
    with transaction.atomic():
        consent = Consent.objects.create(customer=customer, purpose=purpose, scope=scope, channel=channel,
                                         granted_at=now, expires_at=expires_at, evidence=evidence,
                                         recorded_by=actor if getattr(actor, "pk", None) else None)
        if purpose == ConsentPurpose.MARKETING and customer.marketing_opt_out:
            Customer.objects.filter(pk=customer.pk).update(marketing_opt_out=False)
            customer.marketing_opt_out = False
        record(actor=actor, action="customers.consent_granted", obj=customer,
               changes={"consent": consent.pk, "purpose": purpose, "channel": channel, "scope": scope})
    return consent


def withdraw_consent(*, consent: Consent, channel: str, actor: Any) -> Consent:
    """Withdrawal takes effect at once; the record stays as proof of what was agreed and when."""
    if channel not in ConsentChannel.values:
        raise CustomerInvalid(_("渠道无效"), code="customers.invalid_channel", fields={"channel": "invalid"})
    with transaction.atomic():
        consent = Consent.objects.select_for_update().select_related("customer").get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise InvalidTransition(_("该授权已撤回"), code="customers.consent_already_withdrawn")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_channel = channel
        consent.withdrawn_by = actor if getattr(actor, "pk", None) else None
        consent.save(update_fields=["withdrawn_at", "withdrawn_channel", "withdrawn_by"])
        customer = consent.customer
        if consent.purpose == ConsentPurpose.MARKETING and not customer.marketing_opt_out:
            Customer.objects.filter(pk=customer.pk).update(marketing_opt_out=True)
        record(actor=actor, action="customers.consent_withdrawn", obj=customer,
               changes={"consent": consent.pk, "purpose": consent.purpose, "channel": channel})
    return consent
