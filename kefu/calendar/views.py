"""HTMX pages: the year calendar with a deadline calculator, the maintainer's import/publish page and the
director's list of deadlines moved by calendar changes. Thin: parse, check permission, call a service."""

from __future__ import annotations

import calendar as pycalendar
import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.common.errors import KefuError
from kefu.org.access import require_perm

from . import selectors, services
from .choices import DeadlineUnit
from .deadlines import compute_item, get_index
from .index import SHANGHAI
from .permissions import CalendarPerm

MAX_UPLOAD_BYTES = 256 * 1024


def _guard(request, code: str) -> HttpResponse | None:
    try:
        require_perm(request.user, code)
    except KefuError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return None


def _months(year: int) -> list[dict]:
    index = get_index()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                working = index.is_working(day)
                name = index.names.get(day, "")
                css = "work" if working else "rest"
                if working and day.weekday() >= 5:
                    css = "makeup"
                elif not working and name:
                    css = "holiday"
                cells.append({"day": day, "css": css, "name": name})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def home(request):
    denied = _guard(request, CalendarPerm.VIEW)
    if denied:
        return denied
    today = timezone.now().astimezone(SHANGHAI).date()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    index = get_index()
    year = min(max(year, index.first.year), index.last.year)
    context = {
        "year": year, "months": _months(year), "published": year in index.published,
        "years": selectors.years(), "units": DeadlineUnit.choices,
        "can_manage": request.user.has_kefu_perm(CalendarPerm.MANAGE),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
    }
    return render(request, "calendar/home.html", context)


@login_required
@require_POST
def calculate(request):
    denied = _guard(request, CalendarPerm.VIEW)
    if denied:
        return denied
    received = request.POST.get("received_at", "").strip()
    if received and len(received) == 16:  # <input type=datetime-local> has no offset: it means Beijing time
        received += ":00+08:00"
    item = {"received_at": received, "unit": request.POST.get("unit", ""), "amount": request.POST.get("amount", "")}
    with contextlib.suppress(ValueError):
        item["amount"] = int(item["amount"])  # a non-number stays a string and gets the coded error
    try:
        result = compute_item(item)
        context = {"result": result, "deadline": result.deadline}
    except KefuError as exc:
        context = {"error": exc.message}
    return render(request, "calendar/_calc_result.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_days(request):
    denied = _guard(request, CalendarPerm.MANAGE)
    if denied:
        return denied
    next_year = timezone.now().astimezone(SHANGHAI).year + 1
    context: dict = {"years": selectors.years(), "next_year": next_year,
                     "next_year_missing": next_year not in get_index().published}
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        filename = ""
        if upload is not None:
            filename = upload.name[:200]
            if upload.size > MAX_UPLOAD_BYTES:
                context["errors"] = {"file": _("文件过大（最多 256 KB）")}
                return render(request, "calendar/_import_result.html", context, status=422)
            text = upload.read().decode("utf-8-sig", errors="replace")
        try:
            summary = services.import_calendar(
                text=text, actor=request.user, filename=filename, replace=request.POST.get("replace") == "on",
                publish=request.POST.get("publish") == "on", source=request.POST.get("source", "").strip(),
                reason=request.POST.get("reason", "").strip())
            context["summary"] = summary
            status = 200
        except KefuError as exc:
            context["error"], context["errors"], status = exc.message, exc.fields, exc.status
        except ValidationError as exc:
            context["error"], status = "; ".join(exc.messages), 422
        template = "calendar/_import_result.html" if request.htmx else "calendar/import.html"
        return render(request, template, context, status=status)
    return render(request, "calendar/import.html", context)


@login_required
@require_POST
def publish(request, year: int):
    denied = _guard(request, CalendarPerm.MANAGE)
    if denied:
        return denied
    try:
        services.publish_year(year=year, actor=request.user, source=request.POST.get("source", "").strip())
    except KefuError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return redirect("calendar:import")


@login_required
def recomputations(request):
    denied = _guard(request, CalendarPerm.RECOMPUTE_VIEW)
    if denied:
        return denied
    unreviewed = request.GET.get("all") != "1"
    rows = list(selectors.recomputations(unreviewed_only=unreviewed)[:500])
    return render(request, "calendar/recomputations.html", {
        "rows": rows, "unreviewed": unreviewed,
        "can_review": request.user.has_kefu_perm(CalendarPerm.RECOMPUTE_REVIEW)})


@login_required
@require_POST
def review(request, pk: int):
    denied = _guard(request, CalendarPerm.RECOMPUTE_REVIEW)
    if denied:
        return denied
    entry = get_object_or_404(selectors.recomputations(), pk=pk)
    entry = services.review_recomputation(recomputation=entry, actor=request.user)
    row = selectors.recomputations().get(pk=entry.pk)
    return render(request, "calendar/_recomputation_row.html", {"r": row, "can_review": True})
