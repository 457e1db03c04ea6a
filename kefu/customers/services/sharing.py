"""Data-sharing requests: named fields to a department or third party, approved by another person,
expiring, and every use written to an access log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import record
from kefu.common.errors import Forbidden, InvalidTransition
from kefu.org.access import require_perm
from kefu.org.models import Unit

from ..choices import ConsentPurpose, ShareRecipientKind, ShareStatus
from ..conf import share_max_days
from ..errors import AnonymisedCustomer, ConsentMissing, CustomerInvalid, MakerCheckerViolation
from ..models import Customer, DataSharingAccess, DataSharingRequest
from ..permissions import CP
from .consent import has_consent
from .fields import clean_text

SHAREABLE_FIELDS = ("name", "id_type", "id_number", "mobile", "email", "address", "birth_date", "segment",
                    "value_tier")


def request_sharing(*, customer: Customer, actor: Any, recipient_kind: str, recipient_name: str, purpose: str,
                    fields: list[str], days: int = 30, recipient_unit: Unit | None = None,
                    legal_basis: str = "") -> DataSharingRequest:
    require_perm(actor, CP.SHARE_REQUEST)
    if customer.is_anonymised:
        raise AnonymisedCustomer()
    if recipient_kind not in ShareRecipientKind.values:
        raise CustomerInvalid(_("接收方类型无效"), code="customers.invalid_recipient",
                              fields={"recipient_kind": "invalid"})
    if recipient_kind == ShareRecipientKind.DEPARTMENT and recipient_unit is None:
        raise CustomerInvalid(_("请选择接收部门"), code="customers.recipient_unit_required",
                              fields={"recipient_unit": "required"})
    bad = [f for f in fields if f not in SHAREABLE_FIELDS]
    if not fields or bad:
        raise CustomerInvalid(_("请选择可共享的字段"), code="customers.invalid_share_fields",
                              fields={"fields": bad or "required"})
    if not 1 <= days <= share_max_days():
        raise CustomerInvalid(_("有效期超出允许范围"), code="customers.invalid_share_days", fields={"days": "range"})
    recipient_name = clean_text(recipient_name or (recipient_unit.name if recipient_unit else ""),
                                "recipient_name", max_length=100)
    purpose = clean_text(purpose, "purpose")
    legal_basis = clean_text(legal_basis, "legal_basis", max_length=200, required=False)
    with transaction.atomic():
        req = DataSharingRequest.objects.create(
            customer=customer, recipient_kind=recipient_kind, recipient_unit=recipient_unit,
            recipient_name=recipient_name, purpose=purpose, legal_basis=legal_basis, fields=sorted(set(fields)),
            requested_by=actor, expires_at=timezone.now() + timedelta(days=days))
        record(actor=actor, action="customers.sharing_requested", obj=customer, reason=purpose,
               changes={"sharing_request": req.pk, "recipient": recipient_name, "fields": req.fields,
                        "expires_at": req.expires_at})
    return req


def _pending(req: DataSharingRequest) -> DataSharingRequest:
    req = DataSharingRequest.objects.select_for_update().select_related("customer").get(pk=req.pk)
    if req.status != ShareStatus.PENDING:
        raise InvalidTransition(_("该申请已处理"), code="customers.sharing_not_pending")
    return req


def approve_sharing(*, sharing_request: DataSharingRequest, actor: Any, note: str = "") -> DataSharingRequest:
    """Approval needs a different person; a third party also needs the customer's separate consent (PIPL 23)."""
    require_perm(actor, CP.SHARE_APPROVE)
    note = clean_text(note, "note", required=False)
    with transaction.atomic():
        req = _pending(sharing_request)
        if req.requested_by_id == actor.pk:
            raise MakerCheckerViolation(_("审批人不能是申请人本人"))
        if req.recipient_kind == ShareRecipientKind.THIRD_PARTY and not has_consent(
                customer=req.customer, purpose=ConsentPurpose.DATA_SHARING):
            raise ConsentMissing(_("客户未单独同意向第三方提供个人信息，不能批准"))
        req.status, req.approved_by, req.decided_at, req.decision_note = (
            ShareStatus.APPROVED, actor, timezone.now(), note)
        req.save(update_fields=["status", "approved_by", "decided_at", "decision_note"])
        record(actor=actor, action="customers.sharing_approved", obj=req.customer, reason=note,
               changes={"sharing_request": req.pk})
    return req


def reject_sharing(*, sharing_request: DataSharingRequest, actor: Any, note: str) -> DataSharingRequest:
    require_perm(actor, CP.SHARE_APPROVE)
    note = clean_text(note, "note")
    with transaction.atomic():
        req = _pending(sharing_request)
        req.status, req.approved_by, req.decided_at, req.decision_note = (
            ShareStatus.REJECTED, actor, timezone.now(), note)
        req.save(update_fields=["status", "approved_by", "decided_at", "decision_note"])
        record(actor=actor, action="customers.sharing_rejected", obj=req.customer, reason=note,
               changes={"sharing_request": req.pk})
    return req


def revoke_sharing(*, sharing_request: DataSharingRequest, actor: Any, reason: str) -> DataSharingRequest:
    require_perm(actor, CP.SHARE_APPROVE)
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        req = DataSharingRequest.objects.select_for_update().select_related("customer").get(pk=sharing_request.pk)
        if req.status != ShareStatus.APPROVED:
            raise InvalidTransition(_("只能撤回已批准的共享"), code="customers.sharing_not_approved")
        req.status = ShareStatus.REVOKED
        req.save(update_fields=["status"])
        record(actor=actor, action="customers.sharing_revoked", obj=req.customer, reason=reason,
               changes={"sharing_request": req.pk})
    return req


def access_shared_data(*, sharing_request: DataSharingRequest, actor: Any) -> dict[str, Any]:
    """The approved fields in clear for the requester or the receiving department, logged on every use."""
    req = DataSharingRequest.objects.select_related("customer", "recipient_unit").get(pk=sharing_request.pk)
    in_recipient_unit = bool(req.recipient_unit_id and actor.unit_id and actor.unit.path.startswith(
        req.recipient_unit.path))
    if not (req.requested_by_id == actor.pk or in_recipient_unit):
        raise Forbidden(code="customers.sharing_not_recipient")
    if not req.is_usable():
        raise InvalidTransition(_("共享未获批准或已过期"), code="customers.sharing_not_usable")
    if req.customer.is_anonymised:
        raise AnonymisedCustomer()
    if req.recipient_kind == ShareRecipientKind.THIRD_PARTY and not has_consent(
            customer=req.customer, purpose=ConsentPurpose.DATA_SHARING):
        raise ConsentMissing(_("客户已撤回向第三方提供个人信息的同意"))
    data = {f: getattr(req.customer, f) for f in req.fields}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    with transaction.atomic():
        DataSharingAccess.objects.create(request=req, accessed_by=actor, fields=req.fields)
        record(actor=actor, action="customers.shared_data_accessed", obj=req.customer, reason=req.purpose,
               changes={"sharing_request": req.pk, "fields": req.fields}, kind="read")
    return data
