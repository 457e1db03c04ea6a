from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import ValidationFailed
from kefu.common.files import StreamedFileResponse
from kefu.org.access import requires

from .builder import build_report, previous_period_start
from .charts import bar_chart
from .exports import report_tables, request_export
from .models import ExportStatus, ReportExport, ReportKind, ReportSchedule
from .permissions import ReportsP


def _params(request) -> tuple[str, date]:
    kind = request.GET.get("kind", ReportKind.MONTHLY)
    if kind not in ReportKind.values:
        raise ValidationFailed("报表类型无效", code="reports.bad_kind")
    raw = request.GET.get("start", "")
    try:
        start = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError as exc:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", code="reports.bad_date") from exc
    return kind, start


@requires(ReportsP.VIEW)
def report_page(request):
    kind, start = _params(request)
    report = build_report(kind, start)
    charts = {}
    if report.by_day:
        charts["daily_offered"] = mark_safe(bar_chart([(d.strftime("%m-%d"), k.offered) for d, k in report.by_day]))  # noqa: S308 (escaped in bar_chart)
        charts["daily_sl"] = mark_safe(bar_chart([(d.strftime("%m-%d"), round(100 * (k.service_level or 0), 1))  # noqa: S308
                                                  for d, k in report.by_day], unit="%"))
    if report.complaints_by_category:
        charts["categories"] = mark_safe(bar_chart([(r["category"] or "未分类", r["created"] or 0)  # noqa: S308
                                                    for r in report.complaints_by_category]))
    return render(request, "reports/report.html", {
        "report": report, "tables": report_tables(report), "charts": charts, "kind": kind, "start": start,
        "kinds": ReportKind.choices, "exports": ReportExport.objects.filter(created_by=request.user)[:5],
    })


@requires(ReportsP.EXPORT)
@require_POST
def start_export(request):
    kind, start = _params(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        raise ValidationFailed("格式无效", code="reports.bad_format")
    export = request_export(kind=kind, period_start=start, file_format=fmt, actor=request.user)
    export.refresh_from_db()
    return render(request, "reports/_export.html", {"export": export})


@requires(ReportsP.EXPORT)
def export_status(request, pk: int):
    export = get_object_or_404(ReportExport, pk=pk, created_by=request.user)
    return render(request, "reports/_export.html", {"export": export})


@requires(ReportsP.EXPORT)
def download(request, pk: int):
    export = get_object_or_404(ReportExport, pk=pk)
    if export.status != ExportStatus.DONE:
        return HttpResponse("报表尚未生成完成", status=409)
    record(actor=request.user, action="reports.export_downloaded", obj=export, kind=AuditKind.READ)
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    if export.file_format == "xlsx" else "application/pdf")
    return StreamedFileResponse(open(export.file_path, "rb"), content_type=content_type, as_attachment=True,  # noqa: SIM115
                                filename=export.file_path.rsplit("/", 1)[-1])


@requires(ReportsP.SCHEDULE)
def schedules(request):
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        recipients = request.POST.get("recipients", "").strip()
        if kind in ReportKind.values and recipients:
            with transaction.atomic():
                schedule = ReportSchedule.objects.create(
                    kind=kind, recipients=recipients, file_format=request.POST.get("file_format", "xlsx"),
                    created_by=request.user,
                    # The first delivery is the period that closes next, not a backlog of old ones.
                    last_period_sent=previous_period_start(kind, timezone.localdate()))
                record(actor=request.user, action="reports.schedule_created", obj=schedule,
                       changes={"kind": kind, "recipients": recipients.count("\n") + 1})
    return render(request, "reports/schedules.html", {"schedules": ReportSchedule.objects.all(),
                                                      "kinds": ReportKind.choices})
