"""Contact-center API: interactions, agent states, chat (HTTP fallback), recordings for the PBX."""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.common.errors import NotFound, ValidationFailed
from kefu.common.pagination import PageParams, paginate
from kefu.org.access import require_perm

from . import services
from .erlang import agents_needed, erlang_c
from .models import Interaction, Queue, Recording
from .permissions import ContactP
from .selectors import agent_profile_for, interactions_visible_to, wallboard
from .services.recordings import register_recording

PREFIX = "/contact"
router = Router(tags=["contact"])


class InteractionOut(Schema):
    id: int
    channel: str
    direction: str
    status: str
    queue: str | None = None
    agent_id: int | None
    customer_id: int | None
    contact_masked: str
    priority: int
    vulnerable: bool
    ivr_call_id: str
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: int
    talk_seconds: int
    hold_seconds: int
    acw_seconds: int
    transfer_count: int
    wrap_up_code: str | None = None
    csat: int | None
    workorders: list[str] = []

    @staticmethod
    def resolve_queue(obj):
        return obj.queue.code if obj.queue_id else None

    @staticmethod
    def resolve_wrap_up_code(obj):
        return obj.wrap_up_code.code if obj.wrap_up_code_id else None

    @staticmethod
    def resolve_workorders(obj):
        return [link.workorder_number for link in obj.workorder_links.all()]


class InteractionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[InteractionOut]


class InteractionFilters(Schema):
    channel: str = ""
    status: str = ""
    queue: str = ""
    customer_id: int | None = None
    ivr_call_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


@router.get("/interactions", response=InteractionPage, summary="联络记录列表")
def list_interactions(request, filters: Query[InteractionFilters], page: Query[PageParams]):
    qs = interactions_visible_to(request.user).select_related("queue", "wrap_up_code").prefetch_related(
        "workorder_links")
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.queue:
        qs = qs.filter(queue__code=filters.queue)
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.ivr_call_id:
        qs = qs.filter(ivr_call_id=filters.ivr_call_id)
    if filters.since:
        qs = qs.filter(offered_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(offered_at__lt=filters.until)
    return paginate(qs.order_by("-offered_at"), page)


@router.get("/interactions/{interaction_id}", response=InteractionOut, summary="联络记录详情")
def get_interaction(request, interaction_id: int):
    obj = interactions_visible_to(request.user).filter(pk=interaction_id).first()
    if obj is None:
        raise NotFound()
    return obj


class OfferIn(Schema):
    channel: str
    queue: str
    contact_address: str = ""
    customer_id: int | None = None
    ivr_call_id: str = ""
    ivr_context: dict = {}
    subject: str = ""
    priority: int = 0


@router.post("/interactions", response={201: InteractionOut}, summary="进线（PBX、IVR或邮件网关）")
def offer(request, payload: OfferIn):
    require_perm(request.user, ContactP.OFFER)
    queue = Queue.objects.filter(code=payload.queue, active=True).first()
    if queue is None:
        raise ValidationFailed("队列不存在", code="contact.unknown_queue", fields={"queue": payload.queue})
    customer = None
    if payload.customer_id:
        from kefu.customers.models import Customer

        customer = Customer.objects.filter(pk=payload.customer_id).first()
    return Status(201, services.offer_interaction(
        channel=payload.channel, queue=queue, actor=request.user, customer=customer,
        contact_address=payload.contact_address, ivr_call_id=payload.ivr_call_id, ivr_context=payload.ivr_context,
        subject=payload.subject, priority=payload.priority))


class ActionIn(Schema):
    action: str
    wrap_up_code: str = ""
    note: str = ""
    queue: str = ""
    csat: int | None = None
    nps: int | None = None
    workorder_number: str = ""


@router.post("/interactions/{interaction_id}/actions", response=InteractionOut, summary="接听、保持、恢复、结束、小结、转接、放弃、满意度、关联工单")
def act(request, interaction_id: int, payload: ActionIn):
    interaction = interactions_visible_to(request.user).filter(pk=interaction_id).first() \
        if request.user.has_kefu_perm(ContactP.VIEW_INTERACTIONS) else None
    if interaction is None:
        raise NotFound()
    agent = agent_profile_for(request.user)
    own = agent is not None and interaction.agent_id == agent.pk
    if not own:
        require_perm(request.user, ContactP.SUPERVISE)
    user = request.user
    if payload.action == "answer":
        services.answer(interaction=interaction, actor=user)
    elif payload.action == "hold":
        services.hold(interaction=interaction, actor=user)
    elif payload.action == "resume":
        services.resume(interaction=interaction, actor=user)
    elif payload.action == "end":
        services.end_interaction(interaction=interaction, actor=user)
    elif payload.action == "wrap_up":
        services.wrap_up(interaction=interaction, actor=user, wrap_up_code=payload.wrap_up_code, note=payload.note)
    elif payload.action == "transfer":
        queue = Queue.objects.filter(code=payload.queue, active=True).first()
        if queue is None:
            raise ValidationFailed("队列不存在", code="contact.unknown_queue", fields={"queue": payload.queue})
        services.transfer(interaction=interaction, to_queue=queue, actor=user, note=payload.note)
    elif payload.action == "abandon":
        services.abandon(interaction=interaction, actor=user)
    elif payload.action == "survey":
        services.record_satisfaction(interaction=interaction, actor=user, csat=payload.csat, nps=payload.nps)
    elif payload.action == "link_workorder":
        if not payload.workorder_number:
            raise ValidationFailed("缺少工单编号", code="contact.workorder_required",
                                   fields={"workorder_number": "required"})
        services.link_workorder(interaction=interaction, workorder_number=payload.workorder_number, actor=user)
    else:
        raise ValidationFailed("不支持的操作", code="contact.unknown_action", fields={"action": payload.action})
    interaction.refresh_from_db()
    return interaction


class AgentStateIn(Schema):
    state: str
    reason: str = ""
    agent_id: int | None = None


class AgentStateOut(Schema):
    agent_id: int
    state: str
    reason: str
    since: datetime


@router.post("/agent-state", response=AgentStateOut, summary="座席状态（班长可代置）")
def set_state(request, payload: AgentStateIn):
    from .models import AgentProfile

    if payload.agent_id:
        require_perm(request.user, ContactP.SUPERVISE)
        agent = get_object_or_404(AgentProfile, pk=payload.agent_id)
    else:
        require_perm(request.user, ContactP.DESKTOP)
        agent = agent_profile_for(request.user)
        if agent is None:
            raise NotFound(code="contact.no_agent_profile")
    agent = services.set_agent_state(agent=agent, state=payload.state, actor=request.user, reason=payload.reason)
    return {"agent_id": agent.pk, "state": agent.state, "reason": agent.state_reason, "since": agent.state_since}


@router.get("/wallboard", summary="实时监控数据")
def wallboard_data(request):
    require_perm(request.user, ContactP.WALLBOARD)
    data = wallboard()
    return {
        "at": data["now"],
        "queues": [{"code": q["queue"].code, "name": q["queue"].name, "waiting": q["waiting"],
                    "longest_wait": q["longest_wait"], "service_level": q["service_level"], "offered": q["offered"],
                    "answered": q["answered"], "abandoned": q["abandoned"], "alert": q["longest_red"] or q["sl_red"]}
                   for q in data["queues"]],
        "agents_by_state": {str(label): n for label, n in data["agents_by_state"]},
        "today": data["total"].as_dict(),
    }


class ErlangIn(Schema):
    calls: float
    interval_seconds: float = 1800
    aht_seconds: float
    agents: int | None = None
    target_seconds: float = 20
    service_level: float = 0.8


@router.post("/erlang-c", auth=None, summary="Erlang C 人力测算")
def erlang(request, payload: ErlangIn):
    try:
        needed = agents_needed(calls=payload.calls, interval_seconds=payload.interval_seconds,
                               aht_seconds=payload.aht_seconds, target_seconds=payload.target_seconds,
                               service_level=payload.service_level)
        result = erlang_c(calls=payload.calls, interval_seconds=payload.interval_seconds,
                          aht_seconds=payload.aht_seconds, agents=payload.agents or needed.agents,
                          target_seconds=payload.target_seconds)
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="contact.bad_erlang_input") from exc
    return {"agents": result.agents, "traffic_erlangs": round(result.traffic_erlangs, 4),
            "probability_wait": round(result.probability_wait, 5), "service_level": round(result.service_level, 5),
            "asa_seconds": None if result.asa_seconds == float("inf") else round(result.asa_seconds, 2),
            "occupancy": round(result.occupancy, 4), "agents_needed": needed.agents}


class RecordingOut(Schema):
    id: int
    interaction_id: int | None
    ivr_call_id: str
    sha256: str
    size_bytes: int
    category: str
    recorded_at: datetime
    retain_until: str
    legal_hold: bool
    play_url: str

    @staticmethod
    def resolve_retain_until(obj):
        return obj.retain_until.isoformat()

    @staticmethod
    def resolve_play_url(obj):
        return f"/contact/recordings/{obj.pk}/play/"


class RecordingIn(Schema):
    name: str
    content_base64: str
    interaction_id: int | None = None
    ivr_call_id: str = ""
    category: str = "general"
    sha256: str = ""
    duration_seconds: int | None = None


@router.post("/recordings", response={201: RecordingOut}, summary="登记录音（PBX：JSON base64）")
def create_recording(request, payload: RecordingIn):
    require_perm(request.user, ContactP.RECORDING_REGISTER)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed("录音内容不是合法的base64", code="contact.recording_encoding") from exc
    interaction = Interaction.objects.filter(pk=payload.interaction_id).first() if payload.interaction_id else None
    return Status(201, register_recording(fileobj=io.BytesIO(content), name=payload.name, actor=request.user,
                                   interaction=interaction, ivr_call_id=payload.ivr_call_id, category=payload.category,
                                   duration_seconds=payload.duration_seconds, expected_sha256=payload.sha256))


@router.post("/recordings/upload", response={201: RecordingOut}, summary="上传录音文件（multipart）")
def upload_recording(request, file: File[UploadedFile], interaction_id: Form[int] = 0, category: Form[str] = "general"):
    require_perm(request.user, ContactP.RECORDING_REGISTER)
    interaction = Interaction.objects.filter(pk=interaction_id).first() if interaction_id else None
    return Status(201, register_recording(fileobj=file.file, name=file.name or "upload.wav", actor=request.user,
                                   interaction=interaction, category=category, source="upload"))


@router.get("/recordings", response=list[RecordingOut], summary="录音列表")
def list_recordings(request, interaction_id: int | None = None, ivr_call_id: str = ""):
    require_perm(request.user, ContactP.RECORDING_PLAY)
    qs = Recording.objects.filter(purged_at__isnull=True).order_by("-recorded_at")
    if interaction_id:
        qs = qs.filter(interaction_id=interaction_id)
    if ivr_call_id:
        qs = qs.filter(ivr_call_id=ivr_call_id)
    return list(qs[:200])
