"""API for information governance: change requests, consents, data sharing, erasure, suspicious cases."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import NotFound
from kefu.org.access import require_perm
from kefu.org.models import Unit
from kefu.org.visibility import get_visible_or_404

from . import selectors, services
from .models import ChangeRequest, Consent, Customer, DataSharingRequest, ErasureRequest, SuspiciousCase
from .permissions import CP
from .schemas import (
    CaseOut,
    CaseTransitionIn,
    ChangeIn,
    ChangeOut,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    ErasureIn,
    ErasureOut,
    FlagIn,
    LegalHoldIn,
    SharingIn,
    SharingOut,
    WithdrawIn,
)

router = Router(tags=["customers"])


def _customer(request, customer_id: int) -> Customer:
    require_perm(request.user, CP.VIEW)
    return get_visible_or_404(Customer.objects.all(), request.user, pk=customer_id)


def _visible_related(request, model, pk: int):
    """A governance record is visible when its customer is."""
    require_perm(request.user, CP.VIEW)
    obj = get_object_or_404(model.objects.select_related("customer"), pk=pk)
    if not Customer.objects.visible_to(request.user).filter(pk=obj.customer_id).exists():
        raise NotFound()
    return obj


# Change requests -------------------------------------------------------------------------------------
@router.post("/{int:customer_id}/changes", response={201: ChangeOut}, summary="提交信息变更（敏感字段需复核）")
def request_change(request, customer_id: int, payload: ChangeIn):
    customer = _customer(request, customer_id)
    cr = services.request_change(customer=customer, field=payload.field, new_value=payload.new_value,
                                 reason=payload.reason, evidence=payload.evidence, actor=request.user)
    return Status(201, cr)


@router.get("/changes/pending", response=list[ChangeOut], summary="待复核的变更申请")
def pending_changes(request):
    require_perm(request.user, CP.CHANGE_APPROVE)
    return list(selectors.pending_changes(request.user)[:200])


@router.post("/changes/{int:change_id}/approve", response=ChangeOut, summary="复核通过（复核人须不同于经办人）")
def approve_change(request, change_id: int, payload: DecisionIn):
    cr = _visible_related(request, ChangeRequest, change_id)
    return services.approve_change(change_request=cr, actor=request.user, note=payload.note)


@router.post("/changes/{int:change_id}/reject", response=ChangeOut, summary="复核驳回")
def reject_change(request, change_id: int, payload: DecisionIn):
    cr = _visible_related(request, ChangeRequest, change_id)
    return services.reject_change(change_request=cr, actor=request.user, note=payload.note)


@router.post("/changes/{int:change_id}/cancel", response=ChangeOut, summary="经办人撤销申请")
def cancel_change(request, change_id: int):
    cr = _visible_related(request, ChangeRequest, change_id)
    return services.cancel_change(change_request=cr, actor=request.user)


# Consents --------------------------------------------------------------------------------------------
@router.get("/{int:customer_id}/consents", response=list[ConsentOut], summary="授权同意记录")
def consents(request, customer_id: int):
    return selectors.consents_for(_customer(request, customer_id))


@router.post("/{int:customer_id}/consents", response={201: ConsentOut}, summary="登记授权同意")
def add_consent(request, customer_id: int, payload: ConsentIn):
    customer = _customer(request, customer_id)
    require_perm(request.user, CP.CONSENT_MANAGE)
    return Status(201, services.record_consent(customer=customer, actor=request.user, **payload.dict()))


@router.post("/consents/{int:consent_id}/withdraw", response=ConsentOut, summary="撤回授权同意")
def withdraw_consent(request, consent_id: int, payload: WithdrawIn):
    consent = _visible_related(request, Consent, consent_id)
    require_perm(request.user, CP.CONSENT_MANAGE)
    return services.withdraw_consent(consent=consent, channel=payload.channel, actor=request.user)


# Data sharing ----------------------------------------------------------------------------------------
@router.post("/{int:customer_id}/sharing", response={201: SharingOut}, summary="申请数据共享")
def request_sharing(request, customer_id: int, payload: SharingIn):
    customer = _customer(request, customer_id)
    unit = None
    if payload.recipient_unit_code:
        unit = Unit.objects.filter(code=payload.recipient_unit_code).first()
        if unit is None:
            raise NotFound(code="customers.unit_not_found", fields={"recipient_unit_code": "not_found"})
    req = services.request_sharing(customer=customer, actor=request.user, recipient_kind=payload.recipient_kind,
                                   recipient_name=payload.recipient_name, recipient_unit=unit,
                                   purpose=payload.purpose, legal_basis=payload.legal_basis,
                                   fields=payload.fields, days=payload.days)
    return Status(201, req)


@router.post("/sharing/{int:sharing_id}/approve", response=SharingOut, summary="批准数据共享")
def approve_sharing(request, sharing_id: int, payload: DecisionIn):
    req = _visible_related(request, DataSharingRequest, sharing_id)
    return services.approve_sharing(sharing_request=req, actor=request.user, note=payload.note)


@router.post("/sharing/{int:sharing_id}/reject", response=SharingOut, summary="驳回数据共享")
def reject_sharing(request, sharing_id: int, payload: DecisionIn):
    req = _visible_related(request, DataSharingRequest, sharing_id)
    return services.reject_sharing(sharing_request=req, actor=request.user, note=payload.note)


@router.post("/sharing/{int:sharing_id}/revoke", response=SharingOut, summary="撤回已批准的共享")
def revoke_sharing(request, sharing_id: int, payload: DecisionIn):
    req = _visible_related(request, DataSharingRequest, sharing_id)
    return services.revoke_sharing(sharing_request=req, actor=request.user, reason=payload.note)


@router.get("/sharing/{int:sharing_id}/data", summary="取用已批准共享的数据（记录访问日志）")
def shared_data(request, sharing_id: int):
    req = get_object_or_404(DataSharingRequest, pk=sharing_id)
    return services.access_shared_data(sharing_request=req, actor=request.user)


# Erasure and legal hold ------------------------------------------------------------------------------
@router.post("/{int:customer_id}/erasure", response={201: ErasureOut}, summary="登记删除（匿名化）申请")
def request_erasure(request, customer_id: int, payload: ErasureIn):
    customer = _customer(request, customer_id)
    require_perm(request.user, CP.CHANGE_REQUEST)
    return Status(201, services.request_erasure(customer=customer, actor=request.user, channel=payload.channel,
                                                reason=payload.reason))


@router.post("/erasure/{int:erasure_id}/process", response=ErasureOut, summary="处理删除申请（保存期与法律保全）")
def process_erasure(request, erasure_id: int):
    req = _visible_related(request, ErasureRequest, erasure_id)
    return services.process_erasure(erasure_request=req, actor=request.user)


@router.post("/{int:customer_id}/legal-hold", summary="设置或解除法律保全")
def legal_hold(request, customer_id: int, payload: LegalHoldIn):
    customer = services.set_legal_hold(customer=_customer(request, customer_id), hold=payload.hold,
                                       reason=payload.reason, actor=request.user)
    return {"legal_hold": customer.legal_hold}


# Suspicious activity ---------------------------------------------------------------------------------
@router.post("/{int:customer_id}/flag", response={201: CaseOut}, summary="标记可疑交易或客户（转风险管理部）")
def flag(request, customer_id: int, payload: FlagIn):
    customer = _customer(request, customer_id)
    return Status(201, services.flag_suspicious(customer=customer, actor=request.user, **payload.dict()))


@router.get("/cases", response=list[CaseOut], summary="可疑案件（仅风险管理部与标记人可见）")
def cases(request):
    require_perm(request.user, CP.RISK_CASE_VIEW)
    return list(selectors.cases_visible_to(request.user)[:200])


@router.get("/cases/{number}", response=CaseOut, summary="可疑案件详情")
def case_detail(request, number: str):
    require_perm(request.user, CP.RISK_CASE_VIEW)
    case = get_visible_or_404(selectors.cases_visible_to(request.user), request.user, number=number)
    record(actor=request.user, action="customers.case_viewed", obj=case, kind=AuditKind.READ,
           changes={"channel": "api"})
    return case


@router.post("/cases/{number}/transition", response=CaseOut, summary="可疑案件状态流转")
def case_transition(request, number: str, payload: CaseTransitionIn):
    require_perm(request.user, CP.RISK_CASE_VIEW)
    case = get_visible_or_404(SuspiciousCase.objects.all(), request.user, number=number)
    return services.transition_case(case=case, to=payload.to, actor=request.user, resolution=payload.resolution)
