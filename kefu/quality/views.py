from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kefu.common.errors import KefuError, NotFound

from . import services
from .models import CalibrationSession, KeywordHit
from .selectors import evaluations_visible_to


def _evaluation(request, pk: int):
    evaluation = evaluations_visible_to(request.user).filter(pk=pk).first()
    if evaluation is None:
        raise NotFound()
    return evaluation


def home(request):
    qs = evaluations_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(request, "quality/home.html", {
        "evaluations": qs.order_by("-created_at")[:100], "status": status,
        "hits": KeywordHit.objects.filter(reviewed=False).select_related("rule")[:20]
        if request.user.has_kefu_perm("quality.view_all") else [],
    })


def evaluation_detail(request, pk: int):
    evaluation = _evaluation(request, pk)
    answers = {a.item_id: a for a in evaluation.answers.all()}
    sections = [(s, [(i, answers.get(i.pk)) for i in s.items.all()])
                for s in evaluation.scorecard.sections.prefetch_related("items")]
    return render(request, "quality/evaluation.html", {
        "e": evaluation, "sections": sections, "transcript": evaluation.interaction.messages.all(),
        "recording": evaluation.recording or evaluation.interaction.recordings.filter(purged_at__isnull=True).first(),
        "is_own": evaluation.agent_id and evaluation.agent.user_id == request.user.pk,
    })


@require_POST
def evaluation_action(request, pk: int, action: str):
    evaluation = _evaluation(request, pk)
    try:
        if action == "submit":
            answers = {}
            for section in evaluation.scorecard.sections.prefetch_related("items"):
                for item in section.items.all():
                    raw = request.POST.get(f"points_{item.pk}")
                    if raw not in (None, ""):
                        answers[item.pk] = (int(raw), request.POST.get(f"fatal_{item.pk}") == "on",
                                            request.POST.get(f"comment_{item.pk}", ""))
            services.submit_evaluation(evaluation=evaluation, actor=request.user, answers=answers,
                                       comments=request.POST.get("comments", ""))
        elif action == "acknowledge":
            services.acknowledge(evaluation=evaluation, actor=request.user)
        elif action == "dispute":
            services.dispute(evaluation=evaluation, actor=request.user, reason=request.POST.get("reason", ""))
        elif action == "resolve":
            raw = request.POST.get("new_score", "")
            services.resolve_dispute(evaluation=evaluation, actor=request.user,
                                     upheld=request.POST.get("upheld") == "1",
                                     resolution=request.POST.get("resolution", ""),
                                     new_score=Decimal(raw) if raw else None)
        else:
            raise NotFound()
        messages.success(request, "已保存")
    except (KefuError, ValueError, InvalidOperation) as exc:
        messages.error(request, getattr(exc, "message", "输入有误"))
    return redirect("quality:evaluation", pk=pk)


def calibration(request, pk: int):
    from kefu.org.access import require_perm

    require_perm(request.user, "quality.view_all")
    session = CalibrationSession.objects.filter(pk=pk).first()
    if session is None:
        raise NotFound()
    return render(request, "quality/calibration.html", {"session": session,
                                                        "v": services.calibration_variance(session)})
