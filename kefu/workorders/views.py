"""HTMX pages of work orders: intake, queues, detail with actions, branch view, supervision board.
Thin: parse, check permission, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.common.errors import KefuError, NotFound
from kefu.common.pagination import CappedPaginator

from . import conf, selectors
from .choices import (
    BRANCH_CHANNELS_UI,
    BusinessLine,
    Category,
    Channel,
    Kind,
    NoteVisibility,
    ReplyChannel,
    Severity,
    Status,
)
from .models import Attachment, Classification
from .permissions import WP
from .workflow import TRANSITIONS, allowed_actions


def _forbidden_or(request, perm: str):
    if not request.user.has_kefu_perm(perm):
        return render(request, "workorders/forbidden.html", status=403)
    return None


def _get(request, number: str):
    try:
        return selectors.get_workorder(request.user, number)
    except NotFound as exc:
        raise Http404 from exc


FILTER_KEYS = ("status", "kind", "severity", "channel", "jrt", "date_from", "date_to", "q")


@login_required
@require_GET
def queue(request):
    denied = _forbidden_or(request, WP.VIEW)
    if denied:
        return denied
    scope = request.GET.get("scope", "my")
    user = request.user
    if scope == "unit":
        qs = selectors.unit_queue(user)
    elif scope == "all":
        qs = selectors.visible_workorders(user)
    else:
        scope = "my"
        qs = selectors.my_queue(user)
    f = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    try:
        qs = selectors.filter_workorders(
            qs.select_related("handling_unit", "assignee"), status=[f["status"]] if f["status"] else None,
            kind=f["kind"], severity=f["severity"], channel=f["channel"], jrt=f["jrt"],
            overdue=request.GET.get("overdue") == "1", near_breach=request.GET.get("near") == "1",
            date_from=f["date_from"] or None, date_to=f["date_to"] or None, q=f["q"])
        page = CappedPaginator(qs.order_by("-received_at", "-id"), 50,
                               count_limit=conf.list_count_limit()).get_page(request.GET.get("page"))
    except (ValidationError, ValueError):
        messages.error(request, _("筛选条件有误"))
        page = CappedPaginator(qs.none(), 50).get_page(1)
    query = request.GET.copy()
    query.pop("page", None)  # the pager adds its own
    context = {"page": page, "query": query.urlencode(), "scope": scope, "f": f, "now": timezone.now(),
               "statuses": Status.choices,
               "kinds": Kind.choices, "severities": Severity.choices, "channels": Channel.choices,
               "overdue": request.GET.get("overdue") == "1", "near": request.GET.get("near") == "1"}
    template = "workorders/_rows.html" if request.htmx and request.htmx.target == "wo-rows" else "workorders/queue.html"
    return render(request, template, context)


def _intake_channels(user) -> list[tuple[str, str]]:
    if user.has_kefu_perm(WP.HANDLE):
        return list(Channel.choices)
    if user.has_kefu_perm(WP.INTAKE_BRANCH):
        return [c for c in Channel.choices if c[0] in BRANCH_CHANNELS_UI]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    denied = _forbidden_or(request, WP.CREATE)
    if denied:
        return denied
    channels = _intake_channels(request.user)
    data: dict[str, Any] = {"kind": "complaint", "channel": channels[0][0] if channels else "", "severity": "general",
                            "preferred_reply_channel": "phone"}
    data.update(_prefill_from_interaction(request, request.GET.get("interaction", ""), channels))
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "").strip() for k in (
            "kind", "channel", "title", "description", "contact_name", "contact_phone", "contact_email",
            "preferred_reply_channel", "severity", "category", "business_line", "amount_yuan", "accounts",
            "jrt_channel", "jrt_business", "jrt_reason", "complained_unit", "complained_person_name", "tags",
            "customer_cif_no", "triage_kind", "triage_category", "triage_severity", "triage_business",
            "interaction")}
        try:
            wo = _create_from_form(request, data, channels)
        except KefuError as exc:
            errors = {k: str(v) for k, v in exc.fields.items()} or {"form": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已受理，工单号 %(number)s") % {"number": wo.number})
            return redirect("workorders:detail", number=wo.number)
    return render(request, "workorders/intake.html", {
        "data": data, "errors": errors, "channels": channels, "kinds": Kind.choices, "severities": Severity.choices,
        "categories": Category.choices, "business_lines": BusinessLine.choices, "reply_channels": ReplyChannel.choices,
        "jrt": _jrt_options(), "status": 400 if errors else 200,
    }, status=422 if errors else 200)


def _visible_interaction(request, interaction_id: str):
    """The contact this work order is opened from (one-click from the agent desktop), if the user may see it."""
    if not interaction_id.isdigit():
        return None
    try:
        from kefu.contact.selectors import interactions_visible_to
    except ImportError:
        return None
    return interactions_visible_to(request.user).filter(pk=int(interaction_id)).select_related("customer").first()


def _prefill_from_interaction(request, interaction_id: str, channels) -> dict[str, Any]:
    interaction = _visible_interaction(request, interaction_id)
    if interaction is None:
        return {}
    prefill: dict[str, Any] = {"interaction": str(interaction.pk)}
    if interaction.channel in {c[0] for c in channels}:
        prefill["channel"] = interaction.channel
    if interaction.customer is not None:
        prefill["customer_cif_no"] = interaction.customer.cif_no
    return prefill


def _jrt_options() -> dict[str, list]:
    out: dict[str, list] = {"A": [], "B": [], "C": []}
    for node in Classification.objects.filter(active=True).only("dimension", "code", "name", "level"):
        out[node.dimension].append((f"{node.dimension}{node.code}", f"{'　' * (node.level - 1)}{node.code} {node.name}"))
    return out


def _create_from_form(request, data: dict[str, Any], channels) -> Any:
    from decimal import Decimal, InvalidOperation

    from .errors import InvalidWorkOrder
    from .services import create_workorder

    if data["channel"] not in {c[0] for c in channels}:
        raise InvalidWorkOrder(_("无权使用该受理渠道"), code="workorder.channel_forbidden", fields={"channel": "forbidden"})
    amount_fen = None
    if data["amount_yuan"]:
        try:
            amount = Decimal(data["amount_yuan"])
        except InvalidOperation as exc:
            raise InvalidWorkOrder(_("金额格式不正确"), code="workorder.invalid_amount",
                                   fields={"amount_yuan": _("请输入金额（元）")}) from exc
        if amount < 0 or amount.as_tuple().exponent < -2:
            raise InvalidWorkOrder(_("金额格式不正确"), code="workorder.invalid_amount",
                                   fields={"amount_yuan": _("最多两位小数的非负金额")})
        amount_fen = int(amount * 100)
    customer = None
    if data["customer_cif_no"]:
        from kefu.customers.selectors import get_by_cif

        customer = get_by_cif(data["customer_cif_no"])
        if customer is None:
            raise InvalidWorkOrder(_("客户号不存在"), code="workorder.unknown_customer",
                                   fields={"customer_cif_no": _("客户号不存在")})
    triage = {k[7:]: data[k] for k in ("triage_kind", "triage_category", "triage_severity", "triage_business")
              if data.get(k)}
    interaction = _visible_interaction(request, data.get("interaction", ""))
    wo = create_workorder(
        actor=request.user, kind=data["kind"], channel=data["channel"], title=data["title"],
        description=data["description"], customer=customer, contact_name=data["contact_name"],
        contact_phone=data["contact_phone"], contact_email=data["contact_email"],
        preferred_reply_channel=data["preferred_reply_channel"], severity=data["severity"],
        category=data["category"], business_line=data["business_line"], amount_fen=amount_fen,
        accounts=[a for a in data["accounts"].replace("，", ",").split(",") if a.strip()],
        jrt_channel=data["jrt_channel"], jrt_business=data["jrt_business"], jrt_reason=data["jrt_reason"],
        complained_unit=data["complained_unit"], complained_person_name=data["complained_person_name"],
        tags=[t.strip() for t in data["tags"].replace("，", ",").split(",") if t.strip()],
        auto_accept=request.user.has_kefu_perm(WP.HANDLE) or request.user.has_kefu_perm(WP.INTAKE_BRANCH),
        triage=triage or None, interaction=interaction)
    if interaction is not None:
        from kefu.contact.services import link_workorder

        link_workorder(interaction=interaction, workorder_number=wo.number, actor=request.user)
    return wo


@login_required
@require_POST
def triage_suggest(request):
    """Triage suggestions for the intake form (kefu.assist); empty when no model is built."""
    text = f"{request.POST.get('title', '')}\n{request.POST.get('description', '')}".strip()
    suggestion = None
    if text:
        try:
            from kefu.assist.triage import is_available, triage

            if is_available():
                suggestion = triage(text)
        except Exception:  # noqa: BLE001 - suggestions are optional; the agent classifies by hand
            suggestion = None
    return render(request, "workorders/_triage.html", {"s": suggestion})


ACTION_FIELDS = {
    "dispatch": ["to_unit", "reason", "override_reason"], "co_handle": ["to_unit", "reason"],
    "callback": ["satisfaction", "accepted"], "reassign": ["assignee", "reason"], "merge": ["into"],
    "approve_extension": ["note"],
}


def _action_forms(transitions) -> list[dict]:
    forms = []
    for t in transitions:
        names = ACTION_FIELDS.get(t.action) or list(t.requires)
        forms.append({"t": t, "fields": names, "required": set(t.requires)})
    return forms


@login_required
@require_GET
def detail(request, number: str):
    denied = _forbidden_or(request, WP.VIEW)
    if denied:
        return denied
    wo = _get(request, number)
    from kefu.org.models import Unit

    from .deadlines import clocks_for
    from .notifications import notifications_for

    context = {
        "wo": wo, "now": timezone.now(), "actions": _action_forms(allowed_actions(wo, request.user)),
        "events": wo.events.select_related("actor"), "notes": wo.notes.select_related("author"),
        "attachments": wo.attachments.all(), "handoffs": wo.handoffs.select_related("to_unit", "assignee"),
        "extensions": wo.extensions.select_related("requested_by", "decided_by"), "accounts": wo.accounts.all(),
        "notifications": notifications_for(wo), "clocks": clocks_for(wo), "units": Unit.objects.filter(active=True),
        "note_visibilities": NoteVisibility.choices, "merged_children": wo.merged_children.all(),
    }
    return render(request, "workorders/detail.html", context)


def _coerce(name: str, value: str) -> Any:
    if name == "satisfaction":
        return int(value) if value.isdigit() else value
    if name == "accepted":
        return {"1": True, "0": False}.get(value, value)
    return value


@login_required
@require_POST
def act(request, number: str):
    wo = _get(request, number)
    action = request.POST.get("action", "")
    t = TRANSITIONS.get(action)
    names = ACTION_FIELDS.get(action) or (list(t.requires) if t else [])
    fields = {n: _coerce(n, request.POST.get(n, "").strip()) for n in names if request.POST.get(n, "").strip()}
    from .services import transition

    try:
        transition(workorder=wo, action=action, actor=request.user, **fields)
    except KefuError as exc:
        detail_text = "；".join(f"{k}: {v}" for k, v in exc.fields.items() if k not in ("action", "status"))
        messages.error(request, f"{exc.message}{('（' + detail_text + '）') if detail_text else ''}")
    else:
        messages.success(request, _("已执行：%(label)s") % {"label": t.label})
    return redirect("workorders:detail", number=number)


@login_required
@require_POST
def note_add(request, number: str):
    from .services import add_note

    wo = _get(request, number)
    try:
        add_note(workorder=wo, actor=request.user, body=request.POST.get("body", ""),
                 visibility=request.POST.get("visibility", NoteVisibility.INTERNAL))
    except KefuError as exc:
        messages.error(request, exc.message)
    return redirect("workorders:detail", number=number)


@login_required
@require_POST
def attachment_add(request, number: str):
    from .services import add_attachment

    wo = _get(request, number)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
    else:
        try:
            add_attachment(workorder=wo, actor=request.user, file=upload, name=upload.name,
                           kind=request.POST.get("kind", "other"))
        except KefuError as exc:
            messages.error(request, exc.message)
    return redirect("workorders:detail", number=number)


@login_required
@require_GET
def attachment_download(request, number: str, attachment_id: int) -> HttpResponse:
    from .views_files import attachment_response

    wo = _get(request, number)
    try:
        return attachment_response(request, Attachment.objects.filter(workorder=wo, pk=attachment_id).first())
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def branch(request):
    """The branch complaint manager's view: the unit's cases, sign-offs and extensions waiting."""
    denied = _forbidden_or(request, WP.PROCESS)
    if denied:
        return denied
    now = timezone.now()
    qs = selectors.unit_queue(request.user).select_related("handling_unit", "assignee").order_by("due_at")
    context = {"now": now, "open": qs[:200],
               "signoff": qs.filter(status=Status.PENDING_SIGNOFF),
               "extensions": selectors.pending_extensions(request.user),
               "intake_allowed": request.user.has_kefu_perm(WP.INTAKE_BRANCH)}
    return render(request, "workorders/branch.html", context)


@login_required
@require_GET
def board(request):
    """The director's supervision board: overdue, near breach, supervised, extensions to approve."""
    denied = _forbidden_or(request, WP.SUPERVISE) if not request.user.has_kefu_perm(WP.APPROVE_EXTENSION) else None
    if denied:
        return denied
    return render(request, "workorders/board.html", {"now": timezone.now(), **selectors.supervision_board(request.user)})
