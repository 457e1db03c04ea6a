"""Roster, shift swaps and the staffing forecast pages."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.common.errors import KefuError
from kefu.org.access import requires

from .models import AgentProfile, RosterEntry, ShiftSwapRequest
from .models.workforce import SwapStatus
from .permissions import ContactP
from .selectors import agent_profile_for
from .services.workforce import decide_swap, request_swap, staffing_forecast


def _week_start(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@requires(ContactP.DESKTOP)
def roster(request):
    start = _week_start(request)
    days = [start + timedelta(days=i) for i in range(7)]
    entries = {(e.agent_id, e.day): e for e in RosterEntry.objects.filter(day__gte=start, day__lt=start + timedelta(days=7))
               .select_related("pattern")}
    agents = AgentProfile.objects.select_related("user").order_by("team", "agent_no")
    me = agent_profile_for(request.user)
    rows = [(a, [entries.get((a.pk, d)) for d in days]) for a in agents]
    swaps = ShiftSwapRequest.objects.filter(status=SwapStatus.PENDING).select_related(
        "requester_entry__agent__user", "counterpart_entry__agent__user", "requester_entry__pattern",
        "counterpart_entry__pattern")
    return render(request, "contact/roster.html", {
        "days": days, "rows": rows, "me": me, "swaps": swaps, "prev": start - timedelta(days=7),
        "next": start + timedelta(days=7), "can_decide": request.user.has_kefu_perm(ContactP.SUPERVISE),
        "my_entries": RosterEntry.objects.filter(agent=me, day__gte=timezone.localdate()).select_related("pattern")[:14]
        if me else [],
    })


@requires(ContactP.DESKTOP)
@require_POST
def swap_request(request):
    mine = get_object_or_404(RosterEntry, pk=request.POST.get("mine") or 0)
    counterpart = RosterEntry.objects.filter(agent__agent_no=request.POST.get("agent_no", ""), day=mine.day).first()
    if counterpart is None:
        messages.error(request, "对方当天没有排班，或工号不存在")
        return redirect("contact:roster")
    try:
        request_swap(requester_entry=mine, counterpart_entry=counterpart, reason=request.POST.get("reason", ""),
                     actor=request.user)
        messages.success(request, "换班申请已提交，待班长审批")
    except KefuError as exc:
        messages.error(request, exc.message)
    return redirect("contact:roster")


@requires(ContactP.SUPERVISE)
@require_POST
def swap_decide(request, pk: int):
    try:
        decide_swap(swap=get_object_or_404(ShiftSwapRequest, pk=pk), approve=request.POST.get("approve") == "1",
                    actor=request.user)
        messages.success(request, "已处理")
    except KefuError as exc:
        messages.error(request, exc.message)
    return redirect("contact:roster")


@requires(ContactP.SUPERVISE)
def forecast(request):
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate() + timedelta(days=1)
    plan = staffing_forecast(day=day)
    return render(request, "contact/forecast.html", {"day": day, "plan": plan,
                                                     "peak": max((p["scheduled"] for p in plan), default=0)})
