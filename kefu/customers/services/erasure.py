"""Deletion on request, done as anonymisation once the retention period is over, never under legal hold."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import InvalidTransition
from kefu.org.access import require_perm

from ..choices import ConsentChannel, CustomerStatus, ErasureStatus
from ..conf import retention_years
from ..errors import AnonymisedCustomer, CustomerInvalid
from ..models import ChangeRequest, Customer, CustomerNote, ErasureRequest
from ..permissions import CP
from .fields import clean_text

ANONYMISED_NAME = "已匿名化客户"


def retention_end(customer: Customer) -> date | None:
    ended = customer.relationship_ended_on
    if ended is None:
        return None
    try:
        return ended.replace(year=ended.year + retention_years())
    except ValueError:  # 29 February
        return ended.replace(year=ended.year + retention_years(), day=28)


def request_erasure(*, customer: Customer, channel: str, actor: Any, reason: str = "") -> ErasureRequest:
    if channel not in ConsentChannel.values:
        raise CustomerInvalid(_("渠道无效"), code="customers.invalid_channel", fields={"channel": "invalid"})
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    reason = clean_text(reason, "reason", required=False)
    with transaction.atomic():
        req = ErasureRequest.objects.create(customer=customer, channel=channel, reason=reason, requested_by=actor)
        record(actor=actor, action="customers.erasure_requested", obj=customer, reason=reason,
               changes={"erasure_request": req.pk, "channel": channel})
    return req


def set_legal_hold(*, customer: Customer, hold: bool, reason: str, actor: Any) -> Customer:
    require_perm(actor, CP.ERASURE_MANAGE)
    reason = clean_text(reason, "reason", max_length=200)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        old = customer.legal_hold
        customer.legal_hold = hold
        customer.legal_hold_reason = reason if hold else ""
        customer.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
        record(actor=actor, action="customers.legal_hold_set" if hold else "customers.legal_hold_released",
               obj=customer, reason=reason, changes={"legal_hold": [old, hold]})
    return customer


def process_erasure(*, erasure_request: ErasureRequest, actor: Any, today: date | None = None) -> ErasureRequest:
    """Anonymise when allowed; otherwise refuse with a stated reason (legal hold, active or retained)."""
    require_perm(actor, CP.ERASURE_MANAGE)
    today = today or timezone.localdate()
    with transaction.atomic():
        req = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
        if req.status != ErasureStatus.PENDING:
            raise InvalidTransition(_("该申请已处理"), code="customers.erasure_not_pending")
        customer = Customer.objects.select_for_update().get(pk=req.customer_id)
        until = retention_end(customer)
        refusal = ""
        if customer.legal_hold:
            refusal = "legal_hold"
        elif until is None:
            refusal = "relationship_active"
        elif today < until:
            refusal = "retention_period"
        req.processed_by, req.processed_at, req.retention_until = actor, timezone.now(), until
        if refusal:
            req.status, req.refusal_code = ErasureStatus.REFUSED, refusal
        else:
            _anonymise(customer)
            req.status = ErasureStatus.COMPLETED
        req.save(update_fields=["status", "refusal_code", "retention_until", "processed_by", "processed_at"])
        record(actor=actor, action="customers.erasure_processed", obj=customer,
               changes={"erasure_request": req.pk, "status": req.status, "refusal": refusal,
                        "retention_until": until})
    return req


def _anonymise(customer: Customer) -> None:
    # Identity data is removed; the row, its cif_no and the audit trail stay so statistics and legal
    # records that reference the customer remain consistent.
    customer.name = ANONYMISED_NAME
    customer.id_number = customer.id_number_index = ""
    customer.mobile = customer.mobile_index = ""
    customer.email = customer.address = ""
    customer.birth_date = None
    customer.status = CustomerStatus.ANONYMISED
    customer.anonymised_at = timezone.now()
    customer.save()
    customer.phones.all().delete()
    customer.cards.all().delete()
    CustomerNote.objects.filter(customer=customer).update(body="[已匿名化]")
    ChangeRequest.objects.filter(customer=customer).update(new_value="")
