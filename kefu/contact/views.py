"""HTMX views: agent desktop, wallboard, Erlang C staffing, customer chat widget, recording playback."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.common.errors import KefuError
from kefu.common.files import StreamedFileResponse
from kefu.org.access import requires

from . import services
from .choices import AgentState, InteractionStatus
from .erlang import agents_needed, erlang_c
from .models import ChatMessage, Interaction, Queue, Recording, StateReason, WrapUpCode
from .permissions import ContactP
from .selectors import active_interactions, agent_profile_for, interactions_visible_to, wallboard
from .services import chat as chat_service
from .services.recordings import open_for_playback


def _error(request, exc: KefuError, status: int | None = None):
    return HttpResponse(f'<p class="error" role="alert">{exc.message}</p>', status=status or exc.status)


@requires(ContactP.DESKTOP)
@ensure_csrf_cookie
def desktop(request):
    agent = agent_profile_for(request.user)
    context = {"agent": agent, "states": AgentState.choices, "reasons": StateReason.objects.all()}
    context.update(_desktop_panel_context(agent))
    try:
        from kefu.knowledge.selectors import scripts

        context["greetings"], context["closings"] = scripts("greeting"), scripts("closing")
    except ImportError:
        context["greetings"] = context["closings"] = []
    return render(request, "contact/desktop.html", context)


def _desktop_panel_context(agent) -> dict:
    interactions = list(active_interactions(agent)) if agent else []
    messages = {}
    for i in interactions:
        if i.channel == "chat":
            messages[i.pk] = list(ChatMessage.objects.filter(interaction=i))
    return {"agent": agent, "interactions": [(i, messages.get(i.pk, [])) for i in interactions],
            "wrap_up_codes": WrapUpCode.objects.filter(active=True), "queues": Queue.objects.filter(active=True),
            "workorder_intake_url": _optional_url("workorders:intake")}


def _optional_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@requires(ContactP.DESKTOP)
@require_GET
def desktop_panel(request):
    return render(request, "contact/_desktop_panel.html", _desktop_panel_context(agent_profile_for(request.user)))


@requires(ContactP.DESKTOP)
@require_POST
def set_state(request):
    agent = agent_profile_for(request.user)
    if agent is None:
        return HttpResponse('<p class="error">未配置座席档案</p>', status=404)
    try:
        services.set_agent_state(agent=agent, state=request.POST.get("state", ""), actor=request.user,
                                 reason=request.POST.get("reason", ""))
    except KefuError as exc:
        return _error(request, exc)
    agent.refresh_from_db()
    return render(request, "contact/_state.html", {"agent": agent, "states": AgentState.choices,
                                                   "reasons": StateReason.objects.all()})


ACTIONS = {
    "answer": lambda i, r: services.answer(interaction=i, actor=r.user),
    "hold": lambda i, r: services.hold(interaction=i, actor=r.user),
    "resume": lambda i, r: services.resume(interaction=i, actor=r.user),
    "end": lambda i, r: services.end_interaction(interaction=i, actor=r.user),
    "wrap_up": lambda i, r: services.wrap_up(interaction=i, actor=r.user, wrap_up_code=r.POST.get("wrap_up_code", ""),
                                             note=r.POST.get("note", "")),
    "transfer": lambda i, r: services.transfer(interaction=i, actor=r.user,
                                               to_queue=get_object_or_404(Queue, pk=r.POST.get("queue") or 0)),
}


@requires(ContactP.DESKTOP)
@require_POST
def interaction_action(request, pk: int, action: str):
    agent = agent_profile_for(request.user)
    interaction = get_object_or_404(Interaction, pk=pk, agent=agent)
    if action not in ACTIONS:
        return HttpResponse(status=404)
    try:
        ACTIONS[action](interaction, request)
    except KefuError as exc:
        return _error(request, exc)
    return render(request, "contact/_desktop_panel.html", _desktop_panel_context(agent))


@requires(ContactP.DESKTOP)
@require_POST
def agent_chat(request, pk: int):
    agent = agent_profile_for(request.user)
    interaction = get_object_or_404(Interaction, pk=pk, agent=agent, channel="chat")
    try:
        chat_service.post_message(interaction=interaction, sender="agent", text=request.POST.get("text", ""),
                                   agent=agent)
    except KefuError as exc:
        return _error(request, exc)
    return render(request, "contact/_desktop_panel.html", _desktop_panel_context(agent))


@requires(ContactP.WALLBOARD)
def wallboard_page(request):
    return render(request, "contact/wallboard.html", wallboard())


@requires(ContactP.WALLBOARD)
def wallboard_partial(request):
    return render(request, "contact/_wallboard.html", wallboard())


@requires(ContactP.SUPERVISE)
@require_http_methods(["GET", "POST"])
def staffing(request):
    form = {"calls": "100", "interval": "1800", "aht": "180", "agents": "14", "target_seconds": "20",
            "service_level": "0.8"}
    result = needed = None
    error = ""
    if request.method == "POST":
        form.update({k: request.POST.get(k, v) for k, v in form.items()})
        try:
            calls, interval, aht = float(form["calls"]), float(form["interval"]), float(form["aht"])
            target, sl = float(form["target_seconds"]), float(form["service_level"])
            result = erlang_c(calls=calls, interval_seconds=interval, aht_seconds=aht, agents=int(form["agents"]),
                              target_seconds=target)
            needed = agents_needed(calls=calls, interval_seconds=interval, aht_seconds=aht, target_seconds=target,
                                   service_level=sl)
        except (ValueError, OverflowError) as exc:
            error = f"参数无效：{exc}"
    return render(request, "contact/staffing.html", {"form": form, "result": result, "needed": needed,
                                                     "error": error})


@requires(ContactP.RECORDING_PLAY)
def play_recording(request, pk: int):
    recording = get_object_or_404(Recording, pk=pk)
    if recording.interaction_id and not interactions_visible_to(request.user).filter(pk=recording.interaction_id).exists():
        return HttpResponse(status=404)
    download = request.GET.get("download") == "1"
    try:
        fh = open_for_playback(recording=recording, actor=request.user, download=download,
                               reason=request.GET.get("reason", ""))
    except KefuError as exc:
        return _error(request, exc)
    response = StreamedFileResponse(fh, content_type=recording.content_type, as_attachment=download,
                                    filename=recording.original_name or f"recording-{recording.pk}.wav")
    response["Cache-Control"] = "no-store"
    return response


@ensure_csrf_cookie
def chat_widget(request):
    """The customer's chat page (no login); the conversation starts when the visitor opens it."""
    return render(request, "contact/chat_widget.html", {})


@require_POST
def chat_start(request):
    try:
        interaction, key = chat_service.start_chat(visitor_label="web")
    except KefuError as exc:
        return _error(request, exc)
    return render(request, "contact/_chat_session.html", {"interaction": interaction, "key": key})


INTERACTION_STATUS_LABELS = dict(InteractionStatus.choices)
