from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.pii.fields import EncryptedTextField

from .choices import Channel, NotificationStatus


class NotificationTemplate(models.Model):
    """A message template as data (Django template syntax), editable by system maintainers."""

    code = models.CharField(_("模板代码"), max_length=80)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("邮件主题"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知模板")
        verbose_name_plural = _("通知模板")
        constraints = [models.UniqueConstraint(fields=["code", "channel"], name="notify_template_code_channel")]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_channel_display()})"


class Notification(models.Model):
    """One outbound message in the outbox. Recipient and body are encrypted (they carry PII)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = EncryptedTextField()
    to_masked = models.CharField(max_length=120)
    template_code = models.CharField(max_length=80)
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED,
                              db_index=True)
    gateway = models.CharField(max_length=40, blank=True)
    gateway_message_id = models.CharField(max_length=120, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    related_type = models.CharField(max_length=80, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["related_type", "related_id"]),
                   models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.to_masked} [{self.status}]"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    gateway = models.CharField(max_length=40)
    ok = models.BooleanField()
    message_id = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        ordering = ["attempted_at"]

    def __str__(self) -> str:
        return f"{self.gateway} {'ok' if self.ok else self.error}"
