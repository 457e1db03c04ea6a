"""Holiday calendar as data, versioned deadline policies, and deadline clocks on any object."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ClockStatus, DayKind, DaySource, DeadlineUnit, YearStatus


class CalendarDay(models.Model):
    """One exception to the Monday-Friday rule: a statutory rest day or a make-up working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    year = models.PositiveSmallIntegerField(_("年份"), db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日名称"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=DaySource.choices, default=DaySource.ADMIN)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.year = self.date.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": _("调休上班日必须是周六或周日")})


class CalendarYear(models.Model):
    """A year's schedule is trusted only once a maintainer publishes it; otherwise deadlines are provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT)
    source = models.CharField(_("来源"), max_length=200, blank=True,
                              help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}（{self.get_status_display()}）"

    @property
    def is_published(self) -> bool:
        return self.status == YearStatus.PUBLISHED


class CalendarState(models.Model):
    """Singleton whose ``version`` goes up on every calendar change; processes rebuild their index on change."""

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return f"v{self.version}"


class DeadlinePolicy(models.Model):
    """A time limit as data: ``code`` + ``version``; the version in force is the latest effective one."""

    code = models.CharField(_("规则代码"), max_length=60, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, choices=DeadlineUnit.choices)
    amount = models.PositiveIntegerField(_("数量"))
    effective_from = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="calendar_policy_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} v{self.version}：{self.amount} {self.get_unit_display()}）"


class DeadlineClock(models.Model):
    """A running time limit on any object (work order, regulatory case...), with pauses and a policy."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField(_("对象"), max_length=200, blank=True)
    purpose = models.CharField(_("用途"), max_length=40)
    policy = models.ForeignKey(DeadlinePolicy, verbose_name=_("期限规则"), on_delete=models.PROTECT,
                               related_name="clocks")
    unit = models.CharField(_("单位"), max_length=20, choices=DeadlineUnit.choices)
    amount = models.PositiveIntegerField(_("数量"))
    started_at = models.DateTimeField(_("起算时间"))
    deadline = models.DateTimeField(_("到期时间"), db_index=True)
    provisional = models.BooleanField(_("临时期限"), default=False,
                                      help_text=_("期限跨入尚未发布节假日安排的年份，按仅周末休息临时计算"))
    status = models.CharField(_("状态"), max_length=10, choices=ClockStatus.choices, default=ClockStatus.RUNNING,
                              db_index=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    calendar_version = models.PositiveBigIntegerField(_("计算所用日历版本"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("期限计时器")
        verbose_name_plural = _("期限计时器")
        ordering = ["deadline"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="calendar_clock_subject")]

    def __str__(self) -> str:
        return f"{self.subject_label or self.object_id} {self.purpose} → {timezone.localtime(self.deadline):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status != ClockStatus.STOPPED

    def is_breached(self, now: datetime) -> bool:
        """Past the deadline: at the stop for a stopped clock, at the pause for a paused one, else at ``now``."""
        if self.status == ClockStatus.STOPPED and self.stopped_at is not None:
            return self.stopped_at > self.deadline
        if self.status == ClockStatus.PAUSED and self.paused_at is not None:
            return self.paused_at > self.deadline
        return now > self.deadline

    def remaining(self, now: datetime) -> timedelta:
        """Time left (negative once breached); frozen while paused or stopped."""
        if self.status == ClockStatus.STOPPED and self.stopped_at is not None:
            return self.deadline - self.stopped_at
        if self.status == ClockStatus.PAUSED and self.paused_at is not None:
            return self.deadline - self.paused_at
        return self.deadline - now


class ClockPause(models.Model):
    """One pause of a clock (e.g. waiting for the customer's material); an open pause has no ``resumed_at``."""

    clock = models.ForeignKey(DeadlineClock, on_delete=models.CASCADE, related_name="pauses")
    paused_at = models.DateTimeField(_("暂停时间"))
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("暂停记录")
        verbose_name_plural = _("暂停记录")
        ordering = ["paused_at"]

    def __str__(self) -> str:
        return f"{self.paused_at:%Y-%m-%d %H:%M} – {self.resumed_at or '…'}"


class DeadlineRecomputation(models.Model):
    """An open clock whose deadline moved because the calendar changed: listed for the director to review."""

    clock = models.ForeignKey(DeadlineClock, on_delete=models.CASCADE, related_name="recomputations")
    old_deadline = models.DateTimeField(_("原到期时间"))
    new_deadline = models.DateTimeField(_("新到期时间"))
    old_provisional = models.BooleanField(_("原为临时期限"), default=False)
    new_provisional = models.BooleanField(_("现为临时期限"), default=False)
    calendar_version = models.PositiveBigIntegerField(_("日历版本"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("重算时间"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("期限重算记录")
        verbose_name_plural = _("期限重算记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        old, new = timezone.localtime(self.old_deadline), timezone.localtime(self.new_deadline)
        return f"{self.clock_id}: {old:%Y-%m-%d %H:%M} → {new:%Y-%m-%d %H:%M}"
