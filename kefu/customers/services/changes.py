"""Change requests: who/when/why/evidence; sensitive fields (SMS phone, ID, name) need a second person."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import Forbidden, InvalidTransition
from kefu.org.access import require_perm

from ..choices import SENSITIVE_CHANGE_FIELDS, ChangeField, ChangeStatus
from ..errors import AnonymisedCustomer, CustomerInvalid, MakerCheckerViolation
from ..models import ChangeHistory, ChangeRequest, Customer
from ..permissions import CP
from .fields import (
    BOOLEAN_FIELDS,
    add_phone,
    clean_change_value,
    clean_text,
    current_value,
    masked,
    set_id_number,
    set_sms_phone,
)


def request_change(*, customer: Customer, field: str, new_value: Any, reason: str, actor: Any,
                   evidence: str = "", evidence_file: Any = None) -> ChangeRequest:
    """Record a change request; non-sensitive fields apply at once, sensitive ones wait for a checker."""
    require_perm(actor, CP.CHANGE_REQUEST)
    if field not in ChangeField.values:
        raise CustomerInvalid(_("不支持变更此字段"), code="customers.invalid_field", fields={"field": "invalid"})
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    reason = clean_text(reason, "reason", max_length=300)
    evidence = clean_text(evidence, "evidence", max_length=300, required=False)
    value = clean_change_value(field, new_value, customer=customer)
    sensitive = field in SENSITIVE_CHANGE_FIELDS
    if sensitive and not (evidence or evidence_file):
        raise CustomerInvalid(_("敏感信息变更须提供证明材料（如核验方式、录音编号）"),
                              code="customers.evidence_required", fields={"evidence": "required"})
    with transaction.atomic():
        cr = ChangeRequest.objects.create(
            customer=customer, field=field, new_value=value,
            old_value_masked=masked(field, current_value(customer, field)), new_value_masked=masked(field, value),
            reason=reason, evidence=evidence, requires_approval=sensitive, maker=actor,
        )
        if evidence_file is not None:
            cr.evidence_file.save(evidence_file.name, evidence_file, save=True)
        record(actor=actor, action="customers.change_requested", obj=customer, reason=reason,
               changes={"change_request": cr.pk, "field": field,
                        field if field != "extra_phone" else "phone": [current_value(customer, field), value],
                        "requires_approval": sensitive})
        if not sensitive:
            _apply(cr, approved_by=None)
    return cr


def _locked(cr: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().select_related("customer").get(pk=cr.pk)
    if locked.status != ChangeStatus.PENDING:
        raise InvalidTransition(_("该变更申请已处理"), code="customers.change_not_pending")
    return locked


def approve_change(*, change_request: ChangeRequest, actor: Any, note: str = "") -> ChangeRequest:
    """Checker approves: must hold the permission and must not be the maker (four-eyes)."""
    require_perm(actor, CP.CHANGE_APPROVE)
    note = clean_text(note, "note", required=False)
    with transaction.atomic():
        cr = _locked(change_request)
        if cr.maker_id == actor.pk:
            record(actor=actor, action="customers.change_self_approval_refused", obj=cr.customer,
                   changes={"change_request": cr.pk})
            raise MakerCheckerViolation()
        cr.checker = actor
        cr.decided_at = timezone.now()
        cr.decision_note = note
        cr.save(update_fields=["checker", "decided_at", "decision_note"])
        _apply(cr, approved_by=actor)
    return cr


def reject_change(*, change_request: ChangeRequest, actor: Any, note: str) -> ChangeRequest:
    require_perm(actor, CP.CHANGE_APPROVE)
    note = clean_text(note, "note")
    with transaction.atomic():
        cr = _locked(change_request)
        if cr.maker_id == actor.pk:
            raise MakerCheckerViolation()
        cr.status, cr.checker, cr.decided_at, cr.decision_note = ChangeStatus.REJECTED, actor, timezone.now(), note
        cr.new_value = ""  # a refused value is not kept in clear
        cr.save(update_fields=["status", "checker", "decided_at", "decision_note", "new_value"])
        record(actor=actor, action="customers.change_rejected", obj=cr.customer, reason=note,
               changes={"change_request": cr.pk, "field": cr.field})
    return cr


def cancel_change(*, change_request: ChangeRequest, actor: Any) -> ChangeRequest:
    with transaction.atomic():
        cr = _locked(change_request)
        if cr.maker_id != actor.pk:
            raise Forbidden(_("只有经办人可以撤销申请"), code="customers.not_maker")
        cr.status, cr.new_value = ChangeStatus.CANCELLED, ""
        cr.save(update_fields=["status", "new_value"])
        record(actor=actor, action="customers.change_cancelled", obj=cr.customer,
               changes={"change_request": cr.pk, "field": cr.field})
    return cr


def _apply(cr: ChangeRequest, *, approved_by: Any) -> None:
    customer = Customer.objects.select_for_update().get(pk=cr.customer_id)
    old = current_value(customer, cr.field)
    value = cr.new_value
    if cr.field == ChangeField.SMS_PHONE:
        set_sms_phone(customer, value)
    elif cr.field == ChangeField.EXTRA_PHONE:
        add_phone(customer, value)
    elif cr.field == ChangeField.ID_NUMBER:
        set_id_number(customer, customer.id_type, value)
        customer.save(update_fields=["id_type", "id_number", "id_number_index", "birth_date", "updated_at"])
    else:
        setattr(customer, cr.field, value == "true" if cr.field in BOOLEAN_FIELDS else value)
        customer.save(update_fields=[cr.field, "updated_at"])
    cr.status = ChangeStatus.APPLIED
    cr.new_value = ""  # applied: the profile holds the value now; the request keeps only the masked form
    cr.save(update_fields=["status", "new_value"])
    ChangeHistory.objects.create(customer=customer, field=cr.field, old_value_masked=masked(cr.field, old),
                                 new_value_masked=masked(cr.field, value), change_request=cr,
                                 changed_by=cr.maker, approved_by=approved_by, reason=cr.reason)
    record(actor=approved_by or cr.maker, action="customers.change_applied", obj=customer, reason=cr.reason,
           changes={"change_request": cr.pk, "field": cr.field, "maker": cr.maker.username,
                    "checker": approved_by.username if approved_by else "",
                    "value": [masked(cr.field, old), masked(cr.field, value)]})
