"""KPI rollups: counters per 30-minute interval, maintained as interactions finish.

Monthly reports sum these rows instead of scanning millions of interactions (see docs/kpis.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionRollup(models.Model):
    bucket_start = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=10)
    # 0 = none (no queue / not handled by an agent): portable unique keys without NULL semantics.
    queue_id = models.BigIntegerField(default=0)
    agent_id = models.BigIntegerField(default=0)
    team = models.CharField(max_length=40, blank=True)
    offered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    abandoned = models.IntegerField(default=0)
    short_abandoned = models.IntegerField(default=0)
    answered_within_sl = models.IntegerField(default=0)
    answered_within_rings = models.IntegerField(default=0)
    wait_seconds_answered = models.BigIntegerField(default=0)
    handled = models.IntegerField(default=0)
    talk_seconds = models.BigIntegerField(default=0)
    hold_seconds = models.BigIntegerField(default=0)
    acw_seconds = models.BigIntegerField(default=0)
    transfers = models.IntegerField(default=0)
    fcr_resolved = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    csat_count = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)
    nps_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("联络指标汇总")
        constraints = [models.UniqueConstraint(fields=["bucket_start", "channel", "queue_id", "agent_id"],
                                               name="reports_interaction_rollup_key")]

    def __str__(self) -> str:
        return f"{self.bucket_start:%Y-%m-%d %H:%M} {self.channel} q{self.queue_id} a{self.agent_id}"


class AgentTimeRollup(models.Model):
    """Seconds an agent spent in each state per day (occupancy, adherence)."""

    day = models.DateField(db_index=True)
    agent_id = models.BigIntegerField()
    team = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=20)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("座席时长汇总")
        constraints = [models.UniqueConstraint(fields=["day", "agent_id", "state"], name="reports_agent_time_key")]

    def __str__(self) -> str:
        return f"{self.day} a{self.agent_id} {self.state}"


class WorkOrderRollup(models.Model):
    """Daily work-order counters per kind, channel, category, severity and handling unit."""

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=20, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    unit_id = models.BigIntegerField(default=0)
    jrt_reason = models.CharField(max_length=20, blank=True)
    created = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    callbacks_required = models.IntegerField(default=0)
    callbacks_done = models.IntegerField(default=0)
    satisfaction_sum = models.IntegerField(default=0)
    satisfaction_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("工单指标汇总")
        constraints = [models.UniqueConstraint(
            fields=["day", "kind", "channel", "category", "severity", "unit_id", "jrt_reason"],
            name="reports_workorder_rollup_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class ReportKind(models.TextChoices):
    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportExport(models.Model):
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period_start = models.DateField()
    file_format = models.CharField(max_length=4, choices=[("xlsx", "XLSX"), ("pdf", "PDF")])
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_path = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("报表导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start} {self.file_format}"


class ReportSchedule(models.Model):
    kind = models.CharField(_("报表"), max_length=10, choices=ReportKind.choices)
    file_format = models.CharField(_("格式"), max_length=4, choices=[("xlsx", "XLSX"), ("pdf", "PDF")], default="xlsx")
    recipients = models.TextField(_("收件人（每行一个邮箱）"))
    active = models.BooleanField(_("启用"), default=True)
    last_period_sent = models.DateField(_("最近发送的报表期"), null=True, blank=True)
    created_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("报表定时发送")
        verbose_name_plural = _("报表定时发送")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipients.splitlines()[0] if self.recipients else ''}"
