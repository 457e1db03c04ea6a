"""REST API under /api/v1/customers: screen pop, 360 view, verification, unmask, notes and governance."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Query, Router, Schema, Status

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import BadRequest, NotFound
from kefu.common.pagination import PageParams, paginate
from kefu.org.access import require_perm
from kefu.org.models import Unit
from kefu.org.visibility import get_visible_or_404

from . import selectors, services
from .api_governance import router as governance_router
from .models import Customer
from .permissions import CP
from .presenters import load_customer_360, masked_profile
from .schemas import CandidateOut, CustomerCreateIn, NoteIn, SyncIn, UnmaskIn, UnmaskOut, VerifyIn, VerifyOut

PREFIX = "/customers"
router = Router(tags=["customers"])


def candidate(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk, "cif_no": customer.cif_no, "name": customer.masked_name,
        "mobile": customer.masked_mobile, "id_number": customer.masked_id_number, "segment": customer.segment,
        "value_tier": customer.value_tier, "is_vulnerable": customer.is_vulnerable,
        "vulnerable_reasons": customer.vulnerable_reasons,
        "home_unit": customer.home_unit.name if customer.home_unit_id else "",
        "url": reverse("customers:detail", kwargs={"pk": customer.pk}),
    }


class LookupParams(Schema):
    phone: str = ""
    card_no: str = ""
    id_number: str = ""


def screen_pop(user: Any, params: LookupParams) -> list[Customer]:
    """Candidates by blind index; a caller unknown to kefu is looked up in the core bank and synced."""
    found = selectors.lookup(user, phone=params.phone, card_no=params.card_no, id_number=params.id_number)
    if not found and user.has_kefu_perm(CP.SYNC):
        found = _from_core(user, params)
    record(actor=user, action="customers.lookup", kind=AuditKind.READ, object_type="customers.customer",
           changes={"by": "phone" if params.phone else "card_no" if params.card_no else "id_number",
                    "phone": params.phone, "card_no": params.card_no, "id_number": params.id_number,
                    "candidates": [c.cif_no for c in found]})
    return found


def _from_core(user: Any, params: LookupParams) -> list[Customer]:
    from kefu.corebank.adapter import CoreBankError

    try:
        from .core import core_bank

        core = core_bank().find_customers(mobile=params.phone, id_number=params.id_number,
                                          card_no=params.card_no)
    except (CoreBankError, NotImplementedError):
        return []
    synced = []
    for c in core[:selectors.LOOKUP_LIMIT]:
        try:
            synced.append(services.sync_customer_from_core(cif_no=c.cif_no, actor=user))
        except CoreBankError:
            continue
    ids = set(Customer.objects.visible_to(user).filter(pk__in=[c.pk for c in synced]).values_list("pk", flat=True))
    return [c for c in synced if c.pk in ids]


@router.get("/lookup", response=list[CandidateOut], summary="来电弹屏：按来电号码/卡号/证件号查找客户（脱敏）")
def lookup(request, params: Query[LookupParams]):
    require_perm(request.user, CP.LOOKUP)
    if not (params.phone or params.card_no or params.id_number):
        raise BadRequest("请提供 phone、card_no 或 id_number", code="customers.lookup_key_required")
    return [candidate(c) for c in screen_pop(request.user, params)]


class ListParams(PageParams):
    cif_no: str = ""
    segment: str = ""
    vulnerable: bool | None = None


@router.get("", summary="客户列表（脱敏，按可见机构）")
def list_customers(request, params: Query[ListParams]):
    require_perm(request.user, CP.VIEW)
    qs = selectors.customers_visible_to(request.user).select_related("home_unit").order_by("cif_no")
    if params.cif_no:
        qs = qs.filter(cif_no=params.cif_no)
    if params.segment:
        qs = qs.filter(segment=params.segment)
    page = paginate(qs, params)
    page["results"] = [candidate(c) for c in page["results"]]
    return page


@router.post("", response={201: dict}, summary="新建客户档案（按用途最小必要收集）")
def create(request, payload: CustomerCreateIn):
    require_perm(request.user, CP.CREATE)
    data = payload.dict()
    unit_code = data.pop("home_unit_code")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise NotFound(code="customers.unit_not_found", fields={"home_unit_code": "not_found"})
    customer = services.create_customer(actor=request.user, home_unit=unit, **data)
    return Status(201, masked_profile(customer))


@router.post("/sync", summary="从核心系统同步客户")
def sync(request, payload: SyncIn):
    require_perm(request.user, CP.SYNC)
    customer = services.sync_customer_from_core(cif_no=payload.cif_no, actor=request.user)
    if not Customer.objects.visible_to(request.user).filter(pk=customer.pk).exists():
        raise NotFound()
    return masked_profile(customer)


def visible_customer(request, customer_id: int) -> Customer:
    require_perm(request.user, CP.VIEW)
    return get_visible_or_404(Customer.objects.select_related("home_unit"), request.user, pk=customer_id)


class ViewParams(Schema):
    interaction: str = ""


@router.get("/{int:customer_id}", summary="客户360视图（脱敏；核验身份后显示余额与交易）")
def detail(request, customer_id: int, params: Query[ViewParams]):
    customer = visible_customer(request, customer_id)
    return load_customer_360(customer=customer, user=request.user, interaction_ref=params.interaction,
                             channel="api")


@router.post("/{int:customer_id}/unmask", response=UnmaskOut, summary="查看单个字段明文（需权限与理由，留痕）")
def unmask(request, customer_id: int, payload: UnmaskIn):
    customer = visible_customer(request, customer_id)
    value = services.unmask_customer_field(actor=request.user, customer=customer, field=payload.field,
                                           reason=payload.reason, interaction_ref=payload.interaction)
    return {"field": payload.field, "value": value}


@router.get("/{int:customer_id}/verification-factors", response=list[str], summary="可用的身份核验要素")
def factors(request, customer_id: int):
    return [str(f) for f in services.available_factors(visible_customer(request, customer_id))]


@router.post("/{int:customer_id}/verify", response=VerifyOut, summary="核验来电客户身份（两项要素）")
def verify(request, customer_id: int, payload: VerifyIn):
    customer = visible_customer(request, customer_id)
    attempt = services.verify_identity(customer=customer, actor=request.user, interaction_ref=payload.interaction,
                                       answers=payload.answers)
    return {"attempt_id": attempt.pk, "outcome": attempt.outcome, "verified": attempt.outcome == "passed",
            "factors": attempt.factors}


@router.post("/{int:customer_id}/notes", response={201: dict}, summary="记录客户备注")
def add_note(request, customer_id: int, payload: NoteIn):
    customer = visible_customer(request, customer_id)
    require_perm(request.user, CP.NOTE)
    note = services.record_interaction_note(customer=customer, actor=request.user, body=payload.body,
                                            channel=payload.channel, interaction_ref=payload.interaction)
    return Status(201, {"id": note.pk, "created_at": note.created_at.isoformat()})


router.add_router("", governance_router)
