"""The customer profile: PII encrypted at rest, exact lookup through blind indexes, masked by default."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.org.visibility import VisibleManager
from kefu.pii.fields import EncryptedTextField
from kefu.pii.masking import mask_address, mask_email, mask_id_number, mask_mobile, mask_name

from ..choices import (
    ContactChannel,
    CustomerSource,
    CustomerStatus,
    IdType,
    LifecycleStage,
    PhoneKind,
    Segment,
    ValueTier,
)

VULNERABLE_AGE = 65


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class Customer(models.Model):
    """A bank customer as kefu knows them; the core bank (``cif_no``) stays the system of record."""

    VISIBILITY_UNIT_FIELDS = ("home_unit",)

    cif_no = models.CharField(_("客户号"), max_length=32, unique=True)
    name = EncryptedTextField(_("姓名"))
    id_type = models.CharField(_("证件类型"), max_length=24, choices=IdType.choices, default=IdType.ID_CARD)
    id_number = EncryptedTextField(_("证件号码"), blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    # The phone used for SMS alerts and one-time codes; mirrored in CustomerPhone with is_sms=True.
    mobile = EncryptedTextField(_("短信通知手机号"), blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    email = EncryptedTextField(_("电子邮件"), blank=True, default="")
    address = EncryptedTextField(_("联系地址"), blank=True, default="")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    segment = models.CharField(_("客户分层"), max_length=20, choices=Segment.choices, default=Segment.MASS)
    lifecycle_stage = models.CharField(_("生命周期阶段"), max_length=10, choices=LifecycleStage.choices,
                                       default=LifecycleStage.NEW)
    value_tier = models.CharField(_("价值等级"), max_length=10, choices=ValueTier.choices,
                                  default=ValueTier.STANDARD)
    disability = models.BooleanField(_("残障客户"), default=False)
    needs_interpreter = models.BooleanField(_("需要翻译/手语"), default=False)
    interpreter_language = models.CharField(_("翻译语种"), max_length=30, blank=True, default="")
    preferred_channel = models.CharField(_("首选联系渠道"), max_length=10, choices=ContactChannel.choices,
                                         default=ContactChannel.PHONE)
    marketing_opt_out = models.BooleanField(_("拒绝营销"), default=False)
    home_unit = models.ForeignKey("org.Unit", verbose_name=_("归属机构"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="customers")
    source = models.CharField(_("来源"), max_length=10, choices=CustomerSource.choices,
                              default=CustomerSource.CORE)
    status = models.CharField(_("状态"), max_length=12, choices=CustomerStatus.choices,
                              default=CustomerStatus.ACTIVE)
    relationship_ended_on = models.DateField(_("业务关系终止日"), null=True, blank=True,
                                             help_text=_("保存期限自此日起算"))
    legal_hold = models.BooleanField(_("法律保全"), default=False)
    legal_hold_reason = models.CharField(_("保全原因"), max_length=200, blank=True, default="")
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    synced_at = models.DateTimeField(_("最近同步时间"), null=True, blank=True)

    objects = VisibleManager()

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["cif_no"]
        indexes = [models.Index(fields=["home_unit", "cif_no"])]

    def __str__(self) -> str:
        return f"{self.masked_name} ({self.cif_no})"

    # Masked views: the only representations shown without an audited unmask.
    @property
    def masked_name(self) -> str:
        return mask_name(self.name or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile) if self.mobile else ""

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @property
    def masked_email(self) -> str:
        return mask_email(self.email) if self.email else ""

    @property
    def masked_address(self) -> str:
        return mask_address(self.address) if self.address else ""

    def age(self, today: date | None = None) -> int | None:
        return age_on(self.birth_date, today or timezone.localdate())

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= VULNERABLE_AGE

    @property
    def is_vulnerable(self) -> bool:
        """Priority in queues and appointments: 65 and over, disability, or needs an interpreter."""
        return self.is_elderly or self.disability or self.needs_interpreter

    @property
    def vulnerable_reasons(self) -> list[str]:
        reasons = []
        if self.is_elderly:
            reasons.append(str(_("65岁及以上")))
        if self.disability:
            reasons.append(str(_("残障")))
        if self.needs_interpreter:
            reasons.append(str(_("需要翻译")))
        return reasons

    @property
    def is_anonymised(self) -> bool:
        return self.status == CustomerStatus.ANONYMISED


class CustomerPhone(models.Model):
    """Every phone number known for a customer (screen pop matches any of them); one is the SMS phone."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = EncryptedTextField(_("号码"))
    number_index = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    is_sms = models.BooleanField(_("短信通知号码"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("客户电话")
        verbose_name_plural = _("客户电话")
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(is_sms=True), name="customers_one_sms_phone"),
            models.UniqueConstraint(fields=["customer", "number_index"], name="customers_phone_unique"),
        ]

    def __str__(self) -> str:
        return self.masked_number

    @property
    def masked_number(self) -> str:
        return mask_mobile(self.number)


class CustomerCard(models.Model):
    """A card known for screen pop by card number; only the blind index and the masked form are kept."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cards")
    card_index = models.CharField(max_length=64, db_index=True, editable=False)
    masked_card_no = models.CharField(_("卡号"), max_length=24)
    kind = models.CharField(_("卡种"), max_length=12, blank=True, default="")
    status = models.CharField(_("状态"), max_length=12, blank=True, default="")
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("客户卡片")
        verbose_name_plural = _("客户卡片")
        constraints = [models.UniqueConstraint(fields=["customer", "card_index"], name="customers_card_unique")]

    def __str__(self) -> str:
        return self.masked_card_no


class CustomerNote(models.Model):
    """An agent's note on a customer (may mention personal details, so it is encrypted)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("内容"))
    channel = models.CharField(_("渠道"), max_length=10, choices=ContactChannel.choices,
                               default=ContactChannel.PHONE)
    interaction_ref = models.CharField(_("交互编号"), max_length=64, blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("客户备注")
        verbose_name_plural = _("客户备注")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note #{self.pk}"
