"""REST API of work orders under /api/v1/workorders (thin: parse, check permission, call a service)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from kefu.common.errors import Forbidden
from kefu.common.pagination import PageParams, paginate
from kefu.org.access import require_perm

from . import conf, presenters, selectors
from .choices import Channel
from .errors import InvalidWorkOrder
from .models import Attachment
from .permissions import WP
from .services import add_attachment, add_note, create_workorder, transition, update_classification
from .workflow import allowed_actions

PREFIX = "/workorders"
router = Router(tags=["workorders"])

# Channels each kind of caller may use: public systems (app/web, mail gateway, IVR) cannot pose as an agent.
PUBLIC_CHANNELS = {Channel.APP, Channel.EMAIL, Channel.IVR}
BRANCH_CHANNELS = {Channel.BRANCH_BOOK, Channel.LETTER, Channel.ONSITE}


class CreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    channel: str
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=20000)
    customer_cif_no: str = Field("", max_length=32)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    contact_email: str = Field("", max_length=254)
    preferred_reply_channel: str = "phone"
    severity: str = "general"
    category: str = ""
    business_line: str = ""
    amount_fen: int | None = Field(None, ge=0)
    accounts: list[str] = Field(default_factory=list, max_length=10)
    jrt_channel: str = ""
    jrt_business: str = ""
    jrt_reason: str = ""
    complained_unit: str = ""
    complained_staff: str = ""
    complained_person_name: str = Field("", max_length=60)
    tags: list[str] = Field(default_factory=list, max_length=20)
    source_ref: str = Field("", max_length=200)
    accept: bool = False
    triage: dict[str, Any] | None = None


class ListFilters(Schema):
    status: list[str] = Field(default_factory=list)
    kind: str = ""
    severity: str = ""
    channel: str = ""
    overdue: bool | None = None
    near_breach: bool | None = None
    jrt: str = ""
    date_from: date | None = None
    date_to: date | None = None
    unit: str = ""
    mine: bool = False
    supervised: bool | None = None
    q: str = Field("", max_length=200)


class TransitionIn(Schema):
    model_config = ConfigDict(extra="allow")

    action: str = Field(..., max_length=40)


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)
    visibility: str = "internal"


class ClassifyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str | None = None
    business_line: str | None = None
    severity: str | None = None
    jrt_channel: str | None = None
    jrt_business: str | None = None
    jrt_reason: str | None = None
    tags: list[str] | None = None


def _check_channel(user: Any, channel: str) -> None:
    if user.has_kefu_perm(WP.HANDLE):
        return
    if channel in BRANCH_CHANNELS and user.has_kefu_perm(WP.INTAKE_BRANCH):
        return
    if channel in PUBLIC_CHANNELS and user.has_kefu_perm(WP.INTAKE_PUBLIC):
        return
    raise Forbidden(code="workorder.channel_forbidden", fields={"channel": channel})


def _customer(cif_no: str) -> Any:
    if not cif_no:
        return None
    from kefu.customers.selectors import get_by_cif

    customer = get_by_cif(cif_no)
    if customer is None:
        raise InvalidWorkOrder(code="workorder.unknown_customer", fields={"customer_cif_no": "not found"})
    return customer


def _detail(request, number: str) -> dict[str, Any]:
    wo = selectors.get_workorder(request.user, number)
    return presenters.detail(wo, request.user, allowed=allowed_actions(wo, request.user))


@router.post("", response={201: dict}, summary="受理工单（任一渠道）")
def create(request, payload: CreateIn):
    user = request.user
    require_perm(user, WP.CREATE)
    _check_channel(user, payload.channel)
    data = payload.model_dump()
    customer = _customer(data.pop("customer_cif_no"))
    accept = data.pop("accept") and user.has_kefu_perm(WP.HANDLE)
    wo = create_workorder(actor=user, customer=customer, auto_accept=accept, **data)
    # The creator sees what was just saved: the instance in hand, not a second fetch through visibility.
    return Status(201, presenters.detail(wo, user, allowed=allowed_actions(wo, user), just_created=True))


@router.get("", response=dict, summary="工单列表（筛选、分页、q= 中文全文检索）")
def list_workorders(request, filters: Query[ListFilters], page: Query[PageParams]):
    require_perm(request.user, WP.VIEW)
    unit = None
    if filters.unit:
        from kefu.org.models import Unit

        unit = Unit.objects.filter(code=filters.unit).first()
        if unit is None:
            raise InvalidWorkOrder(code="workorder.unknown_unit", fields={"unit": filters.unit})
    qs = selectors.filter_workorders(
        selectors.visible_workorders(request.user).select_related("handling_unit", "assignee")
        .only(*presenters.LIST_FIELDS),
        status=filters.status, kind=filters.kind, severity=filters.severity, channel=filters.channel,
        overdue=filters.overdue, near_breach=filters.near_breach, jrt=filters.jrt, date_from=filters.date_from,
        date_to=filters.date_to, unit=unit, assignee=request.user if filters.mine else None,
        supervised=filters.supervised, q=filters.q,
    ).order_by("-received_at", "-id")
    result = paginate(qs, page, count_limit=conf.list_count_limit())
    result["results"] = [presenters.list_item(wo) for wo in result["results"]]
    return result


@router.post("/inbound-email", response={201: dict, 200: dict}, summary="邮件网关推送 RFC 822 原始邮件")
def inbound_email(request):
    from .mail import intake_email

    require_perm(request.user, WP.CREATE)
    _check_channel(request.user, Channel.EMAIL)
    wo, created = intake_email(raw=request.body, actor=request.user)
    return Status(201 if created else 200, {"number": wo.number, "created": created})


@router.get("/{number}", response=dict, summary="工单详情")
def get_detail(request, number: str):
    require_perm(request.user, WP.VIEW)
    return _detail(request, number)


@router.patch("/{number}", response=dict, summary="更正分类（客服分类、业务条线、严重程度、JR/T 编码、标签）")
def classify(request, number: str, payload: ClassifyIn):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    update_classification(workorder=wo, actor=request.user, **payload.model_dump(exclude_none=True))
    return _detail(request, number)


@router.post("/{number}/transitions", response=dict, summary="状态流转：{\"action\": ..., 该操作所需字段}")
def make_transition(request, number: str, payload: TransitionIn):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    # The action's own fields vary by action: take them from the body as sent (ninja validated it is an
    # object with an "action"); the state machine checks what each action requires.
    body = json.loads(request.body or b"{}")
    fields = {k: v for k, v in body.items() if k != "action"}
    transition(workorder=wo, action=payload.action, actor=request.user, **fields)
    return _detail(request, number)


@router.get("/{number}/events", response=dict, summary="工单时间线")
def events(request, number: str, page: Query[PageParams]):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    result = paginate(wo.events.order_by("created_at", "id"), page)
    result["results"] = [presenters.event(e) for e in result["results"]]
    return result


@router.get("/{number}/notes", response=dict, summary="备注")
def notes(request, number: str, page: Query[PageParams]):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    result = paginate(wo.notes.select_related("author"), page)
    result["results"] = [presenters.note(n) for n in result["results"]]
    return result


@router.post("/{number}/notes", response={201: dict}, summary="添加备注（internal 内部 / customer 客户可见）")
def create_note(request, number: str, payload: NoteIn):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    note = add_note(workorder=wo, actor=request.user, body=payload.body, visibility=payload.visibility)
    return Status(201, presenters.note(note))


@router.post("/{number}/attachments", response={201: dict}, summary="上传附件（类型与大小受限）")
def upload(request, number: str, file: File[UploadedFile], kind: Form[str] = "other"):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    att = add_attachment(workorder=wo, actor=request.user, file=file, name=file.name or "", kind=kind)
    return Status(201, {"id": att.pk, "name": att.original_name, "kind": att.kind, "size": att.size,
                        "content_type": att.content_type, "sha256": att.sha256})


@router.get("/{number}/attachments/{attachment_id}", summary="下载附件（权限校验后）")
def download(request, number: str, attachment_id: int):
    require_perm(request.user, WP.VIEW)
    wo = selectors.get_workorder(request.user, number)
    from .views_files import attachment_response

    att = Attachment.objects.filter(workorder=wo, pk=attachment_id).first()
    return attachment_response(request, att)

