"""Report exports to XLSX (openpyxl) and PDF (reportlab, built-in Chinese CID font: no font download)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.audit.services import record

from .builder import Report, build_report
from .models import ExportStatus, ReportExport

KPI_LABELS = [
    ("offered", "进线量"), ("answered", "接通量"), ("abandoned", "放弃量"), ("short_abandoned", "短时放弃"),
    ("service_level", "服务水平（20秒）"), ("service_level_rings", "三声接听率（15秒）"), ("asa_seconds", "平均应答速度（秒）"),
    ("aht_seconds", "平均处理时长（秒）"), ("abandon_rate", "放弃率"), ("transfer_rate", "转接率"),
    ("fcr_rate", "一次解决率"), ("csat", "满意度（1-5）"), ("csat_satisfied_rate", "满意率（4-5分）"), ("nps", "NPS"),
]


def export_dir() -> Path:
    path = settings.VAR_DIR / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fmt(value: Any) -> Any:
    return "—" if value is None else value


def report_tables(report: Report) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report as titled tables: the single source for the page, XLSX and PDF."""
    w = report.workorders
    tables = [
        ("话务指标", ["指标", "数值"], [[label, _fmt(getattr(report.contact, key))] for key, label in KPI_LABELS]
         + [["座席占用率", _fmt(report.occupancy)], ["质检平均分", _fmt(report.qa_score)],
            ["IVR 自助解决率", _fmt(report.ivr.get("containment"))]]),
        ("分渠道", ["渠道", "进线", "接通", "服务水平", "平均处理时长"],
         [[ch, k.offered, k.answered, _fmt(k.service_level), _fmt(k.aht_seconds)] for ch, k in report.by_channel.items()]),
        ("工单总览", ["指标", "数值"], [
            ["新增工单", w["created"]], ["办结工单", w["closed"]], ["按时办结率", _fmt(w["on_time_rate"])],
            ["回访完成率", _fmt(w["callback_completion_rate"])], ["回访满意度", _fmt(w["satisfaction"])]]),
        ("工单类型", ["类型", "新增", "办结", "按时"],
         [[r["kind"], r["created"] or 0, r["closed"] or 0, r["on_time"] or 0] for r in report.workorders_by_kind]),
        ("投诉分类", ["客服分类", "新增", "办结", "按时"],
         [[r["category"] or "未分类", r["created"] or 0, r["closed"] or 0, r["on_time"] or 0]
          for r in report.complaints_by_category]),
        ("投诉严重程度", ["严重程度", "新增", "办结", "按时"],
         [[r["severity"], r["created"] or 0, r["closed"] or 0, r["on_time"] or 0] for r in report.complaints_by_severity]),
        ("分行投诉", ["机构", "新增", "办结", "按时"],
         [[r["branch"], r["created"], r["closed"], r["on_time"]] for r in report.complaints_by_branch]),
        ("JR/T 0169 投诉统计", ["业务类型编码", "业务类型", "投诉原因编码", "投诉原因", "投诉量"],
         [[r["business_code"], r["business"], r["reason_code"], r["reason"], r["count"]] for r in report.jrt_table]),
    ]
    if report.by_day:
        tables.insert(1, ("逐日话务", ["日期", "进线", "接通", "服务水平", "放弃"],
                          [[d.isoformat(), k.offered, k.answered, _fmt(k.service_level), k.abandoned]
                           for d, k in report.by_day]))
    if report.hot_topics:
        tables.append(("热点问题", ["话题", "数量"],
                       [[str(t.get("label") or t.get("intent") or t.get("term") or t), t.get("count", t.get("this_week", ""))]
                        if isinstance(t, dict) else [str(t), ""] for t in report.hot_topics]))
    return tables


def to_xlsx(report: Report, progress: Callable[[int], None] = lambda p: None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    tables = report_tables(report)
    for n, (title, header, rows) in enumerate(tables, start=1):
        ws = wb.create_sheet(title[:31].replace("/", "-"))
        ws.append([report.title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 18
        progress(int(100 * n / len(tables)))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(report: Report, progress: Callable[[int], None] = lambda p: None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    # STSong-Light is one of reportlab's built-in CID fonts: Chinese text without shipping a font file.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title_style = ParagraphStyle("t", fontName="STSong-Light", fontSize=15, leading=20)
    h_style = ParagraphStyle("h", fontName="STSong-Light", fontSize=11, leading=16, spaceBefore=8)
    story: list[Any] = [Paragraph(report.title, title_style), Spacer(1, 8)]
    tables = report_tables(report)
    for n, (title, header, rows) in enumerate(tables, start=1):
        story.append(Paragraph(title, h_style))
        data = [header] + [[str(c) for c in row] for row in rows] if rows else [header, ["（无数据）"] + [""] * (len(header) - 1)]
        table = Table(data, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
        story.append(table)
        progress(int(90 * n / len(tables)))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=report.title, author="kefu").build(story)
    return buf.getvalue()


def request_export(*, kind: str, period_start: date, file_format: str, actor: Any) -> ReportExport:
    from functools import partial

    from .tasks import run_report_export

    with transaction.atomic():
        export = ReportExport.objects.create(kind=kind, period_start=period_start, file_format=file_format,
                                             created_by=actor if getattr(actor, "pk", None) else None)
        record(actor=actor, action="reports.export_requested", obj=export,
               changes={"kind": kind, "period": str(period_start), "format": file_format})
        transaction.on_commit(partial(run_report_export.enqueue, export_id=export.pk))
    return export


def run_export(*, export_id: int) -> str:
    export = ReportExport.objects.get(pk=export_id)
    ReportExport.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING, progress=5)

    def progress(p: int) -> None:
        ReportExport.objects.filter(pk=export_id).update(progress=max(5, min(p, 99)))

    try:
        report = build_report(export.kind, export.period_start)
        progress(30)
        content = to_xlsx(report, progress) if export.file_format == "xlsx" else to_pdf(report, progress)
        path = export_dir() / f"kefu-{export.kind}-{report.start:%Y%m%d}-{export.pk}.{export.file_format}"
        path.write_bytes(content)
        ReportExport.objects.filter(pk=export_id).update(status=ExportStatus.DONE, progress=100, file_path=str(path),
                                                         finished_at=timezone.now())
        return "done"
    except Exception as exc:
        ReportExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error=type(exc).__name__)
        raise
