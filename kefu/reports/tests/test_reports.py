import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from kefu.audit.models import AuditEntry
from kefu.reports.builder import build_report, period_bounds
from kefu.reports.exports import to_pdf, to_xlsx
from kefu.reports.models import InteractionRollup, ReportExport, ReportSchedule, WorkOrderRollup
from kefu.reports.schedules import send_due_reports

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def november(db):
    """Two days of rollups in November 2026 (as the contact events would have written them)."""
    for day, offered, answered, in_sl in ((3, 100, 90, 80), (4, 50, 45, 30)):
        InteractionRollup.objects.create(bucket_start=datetime(2026, 11, day, 10, 0, tzinfo=SH), channel="phone",
                                         queue_id=1, agent_id=0, offered=offered, answered=answered,
                                         abandoned=offered - answered, answered_within_sl=in_sl, handled=answered,
                                         talk_seconds=answered * 180)
    WorkOrderRollup.objects.create(day=date(2026, 11, 3), kind="complaint", category="service", severity="general",
                                   created=7, closed=5, closed_on_time=4, callbacks_required=5, callbacks_done=5)
    WorkOrderRollup.objects.create(day=date(2026, 11, 4), kind="consultation", created=20, closed=20, closed_on_time=20)


def test_period_bounds():
    assert period_bounds("monthly", date(2026, 2, 17)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert period_bounds("weekly", date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 23))
    assert period_bounds("daily", date(2026, 11, 22)) == (date(2026, 11, 22), date(2026, 11, 23))


def test_monthly_report_totals_and_exports(november):
    report = build_report("monthly", date(2026, 11, 15))
    assert (report.contact.offered, report.contact.answered) == (150, 135)
    assert report.contact.service_level == round(110 / 150, 4)
    assert report.workorders["created"] == 27 and report.workorders["on_time_rate"] == round(24 / 25, 4)
    wb = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = wb["话务指标"]
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3)}
    assert values["进线量"] == 150 and values["接通量"] == 135
    daily = wb["逐日话务"]
    assert sum(r[1].value for r in daily.iter_rows(min_row=3)) == 150
    assert wb["工单总览"]["B3"].value == 27
    pdf = to_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


@time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH))
def test_export_flow_with_progress_and_audited_download(november, org_tree, user_factory, django_capture_on_commit_callbacks):
    clerk = user_factory("clerk9", roles=["clerk"], unit=org_tree["CC"])
    client = Client()
    client.force_login(clerk)
    page = client.get("/reports/?kind=monthly&start=2026-11-01")
    assert page.status_code == 200 and "客户服务中心月报" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/reports/exports/?kind=monthly&start=2026-11-01&format=xlsx")
    assert resp.status_code == 200
    export = ReportExport.objects.get()
    assert export.status == "done" and export.progress == 100
    status = client.get(f"/reports/exports/{export.pk}/")
    assert "下载" in status.content.decode()
    download = client.get(f"/reports/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content)))["话务指标"]["B3"].value == 150
    assert AuditEntry.objects.filter(action="reports.export_downloaded", actor=clerk).exists()
    agent = user_factory("agent9", roles=["agent"], unit=org_tree["CC"])
    client.force_login(agent)
    assert client.get("/reports/?kind=monthly").status_code == 403
    assert client.get("/reports/?kind=yearly").status_code in (403, 422)


@time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SH))
def test_scheduled_monthly_report_is_mailed_once(november, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    ReportSchedule.objects.create(kind="monthly", recipients="director@bank.example\nclerk@bank.example",
                                  last_period_sent=date(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reports() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reports() == 0
    from kefu.notify.models import Notification

    mails = Notification.objects.filter(template_code="reports.scheduled")
    assert mails.count() == 2 and mails.first().status == "sent"
    assert ReportExport.objects.get().period_start == date(2026, 11, 1)
    assert ReportSchedule.objects.get().last_period_sent == date(2026, 11, 1)
    assert "月报" in mails.first().subject
    assert timedelta(0) <= mails.first().created_at - datetime(2026, 12, 1, 9, 0, tzinfo=SH) < timedelta(seconds=5)
