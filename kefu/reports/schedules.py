"""Scheduled delivery: after each period closes, the report is generated and a download link is e-mailed.

The e-mail carries a link, not the file: reports hold business data, and the link needs a logged-in user
with the reports permission (and is audited when downloaded).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .builder import previous_period_start
from .exports import request_export
from .models import ReportSchedule


def send_due_reports() -> int:
    from kefu.notify.services import ensure_template, queue_notification

    ensure_template(code="reports.scheduled", channel="email", subject="【kefu】{{ title }}",
                    body="您好：\n\n{{ title }}已生成，请登录客服中心系统下载：{{ url }}\n\n（本邮件由系统自动发送）")
    sent = 0
    today = timezone.localdate()
    for schedule in ReportSchedule.objects.filter(active=True):
        period = previous_period_start(schedule.kind, today)
        if schedule.last_period_sent and schedule.last_period_sent >= period:
            continue
        with transaction.atomic():
            export = request_export(kind=schedule.kind, period_start=period, file_format=schedule.file_format,
                                    actor=None)
            base = getattr(settings, "KEFU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
            url = base + reverse("reports:download", kwargs={"pk": export.pk})
            for address in [a.strip() for a in schedule.recipients.splitlines() if a.strip()]:
                queue_notification(channel="email", to=address, template_code="reports.scheduled",
                                   context={"title": f"{schedule.get_kind_display()}（{period:%Y-%m-%d}）", "url": url},
                                   idempotency_key=f"report:{schedule.pk}:{period}:{address}", actor=None,
                                   related=export, urgent=True)
            schedule.last_period_sent = period
            schedule.save(update_fields=["last_period_sent"])
        sent += 1
    return sent
