"""Pages: the browser softphone (demos and agent training), the agent's hand-off screen, recent calls,
and the prompt audio files the PBX and the softphone fetch. Thin: check permission, call a selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import KefuError
from kefu.common.files import StreamedFileResponse
from kefu.org.access import require_perm

from . import prompts, selectors
from .permissions import P


def _guard(request, code: str) -> HttpResponse | None:
    try:
        require_perm(request.user, code)
    except KefuError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return None


@login_required
@require_GET
def softphone(request):
    denied = _guard(request, P.SOFTPHONE)
    if denied:
        return denied
    return render(request, "ivr/softphone.html", {})


@login_required
@require_GET
def handoff(request, call_id: str):
    denied = _guard(request, P.CALL_VIEW)
    if denied:
        return denied
    try:
        context = selectors.handoff_context(call_id)
    except KefuError as exc:
        raise Http404 from exc
    if context["cif_no"]:
        record(actor=request.user, action="ivr.handoff_viewed", object_type="ivr.ivrcall", object_id=call_id,
               changes={"cif_no": context["cif_no"]}, kind=AuditKind.READ)
    return render(request, "ivr/handoff.html", {"ctx": context})


@login_required
@require_GET
def calls(request):
    denied = _guard(request, P.CALL_VIEW)
    if denied:
        return denied
    return render(request, "ivr/calls.html", {"calls": selectors.recent_calls(100),
                                              "containment": selectors.containment()})


@require_GET
def prompt_audio(request, stem: str):
    """Prompt audio carries no customer data (sensitive prompts are never rendered), so the PBX may fetch
    it without a session."""
    path = prompts.find_wav(stem)
    if path is None:
        raise Http404
    response = StreamedFileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"
    return response
