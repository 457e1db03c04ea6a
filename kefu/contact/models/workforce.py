"""7x24 rosters: shift patterns, who works when, and swaps approved by the shift lead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShiftPattern(models.Model):
    code = models.CharField(_("班次代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    start_time = models.TimeField(_("开始"))
    end_time = models.TimeField(_("结束"), help_text=_("早于开始时间表示跨零点"))
    break_minutes = models.PositiveSmallIntegerField(_("休息（分钟）"), default=60)
    is_rest = models.BooleanField(_("休息日"), default=False)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> float:
        if self.is_rest:
            return 0.0
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        minutes = (end - start) % (24 * 60) or 24 * 60
        return round((minutes - self.break_minutes) / 60, 2)


class RosterEntry(models.Model):
    agent = models.ForeignKey("contact.AgentProfile", on_delete=models.CASCADE, related_name="roster")
    day = models.DateField(_("日期"), db_index=True)
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.PROTECT)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="contact_roster_agent_day")]
        ordering = ["day", "agent_id"]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.pattern_id}"


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已撤销")


class ShiftSwapRequest(models.Model):
    requester_entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="+")
    counterpart_entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"换班 #{self.pk}"
