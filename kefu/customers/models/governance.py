"""Information governance: change requests (maker-checker), change history, consents, sharing, erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.pii.fields import EncryptedTextField

from ..choices import (
    ChangeField,
    ChangeStatus,
    ConsentChannel,
    ConsentPurpose,
    ErasureStatus,
    ShareRecipientKind,
    ShareStatus,
)
from .profile import Customer


class ChangeRequest(models.Model):
    """A requested change to one profile field: who, when, why and evidence; sensitive ones need a checker."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="change_requests")
    field = models.CharField(_("字段"), max_length=24, choices=ChangeField.choices)
    # The new value in clear is needed to apply the change; it is encrypted like the profile itself.
    new_value = EncryptedTextField(_("新值"), blank=True, default="")
    old_value_masked = models.CharField(_("原值（脱敏）"), max_length=200, blank=True, default="")
    new_value_masked = models.CharField(_("新值（脱敏）"), max_length=200, blank=True, default="")
    reason = models.CharField(_("变更原因"), max_length=300)
    evidence = models.CharField(_("证明材料"), max_length=300, blank=True, default="",
                                help_text=_("如：客户本人来电已验证身份、网点核验证件、录音编号"))
    evidence_file = models.FileField(_("证明附件"), upload_to="customers/evidence/%Y/%m/", blank=True)
    requires_approval = models.BooleanField(_("需复核"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_note = models.CharField(_("复核意见"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("客户信息变更申请")
        verbose_name_plural = _("客户信息变更申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"CR{self.pk} {self.field}"


class ChangeHistory(models.Model):
    """One applied change of one field, values masked: the profile's full history."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="history")
    field = models.CharField(_("字段"), max_length=24)
    old_value_masked = models.CharField(_("原值（脱敏）"), max_length=200, blank=True, default="")
    new_value_masked = models.CharField(_("新值（脱敏）"), max_length=200, blank=True, default="")
    source = models.CharField(_("来源"), max_length=20, default="change_request")
    change_request = models.ForeignKey(ChangeRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reason = models.CharField(_("原因"), max_length=300, blank=True, default="")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("客户信息变更历史")
        verbose_name_plural = _("客户信息变更历史")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field} @ {self.changed_at:%Y-%m-%d}"


class Consent(models.Model):
    """A consent given for one purpose; withdrawal is a timestamp, never a deletion (the record is proof)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("用途"), max_length=24, choices=ConsentPurpose.choices)
    scope = models.CharField(_("范围"), max_length=300, blank=True, default="",
                             help_text=_("如：动账金额≥1元的短信；仅本行产品"))
    channel = models.CharField(_("取得渠道"), max_length=10, choices=ConsentChannel.choices)
    granted_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    evidence = models.CharField(_("凭证"), max_length=200, blank=True, default="",
                                help_text=_("录音编号、签字文件编号等"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_channel = models.CharField(_("撤回渠道"), max_length=10, choices=ConsentChannel.choices,
                                         blank=True, default="")
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("授权同意记录")
        verbose_name_plural = _("授权同意记录")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["customer", "purpose", "granted_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} ({'withdrawn' if self.withdrawn_at else 'active'})"

    def is_effective(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.withdrawn_at is None and self.granted_at <= now
                and (self.expires_at is None or self.expires_at > now))


class DataSharingRequest(models.Model):
    """A request to give named fields of a customer to a department or third party, approved and expiring."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sharing_requests")
    recipient_kind = models.CharField(_("接收方类型"), max_length=12, choices=ShareRecipientKind.choices)
    recipient_unit = models.ForeignKey("org.Unit", verbose_name=_("接收部门"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(_("接收方"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=300)
    legal_basis = models.CharField(_("合法性基础"), max_length=200, blank=True, default="")
    fields = models.JSONField(_("提供字段"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True, default="")
    expires_at = models.DateTimeField(_("有效期至"))

    class Meta:
        verbose_name = _("数据共享申请")
        verbose_name_plural = _("数据共享申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"DS{self.pk} → {self.recipient_name}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ShareStatus.APPROVED and self.expires_at > now


class DataSharingAccess(models.Model):
    """Each use of an approved sharing request: who took which fields, when."""

    request = models.ForeignKey(DataSharingRequest, on_delete=models.CASCADE, related_name="accesses")
    accessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accessed_at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField(default=list)

    class Meta:
        verbose_name = _("数据共享访问记录")
        verbose_name_plural = _("数据共享访问记录")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"access {self.pk}"


class ErasureRequest(models.Model):
    """A customer's request to delete their data; done by anonymisation after retention, unless on hold."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="erasure_requests")
    channel = models.CharField(_("申请渠道"), max_length=10, choices=ConsentChannel.choices)
    reason = models.CharField(_("申请说明"), max_length=300, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=ErasureStatus.choices,
                              default=ErasureStatus.PENDING)
    refusal_code = models.CharField(_("不予删除原因"), max_length=40, blank=True, default="")
    retention_until = models.DateField(_("保存期限至"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    processed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("删除（匿名化）申请")
        verbose_name_plural = _("删除（匿名化）申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"ER{self.pk}"
