from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待质检")
    SUBMITTED = "submitted", _("已评分待确认")
    ACKNOWLEDGED = "acknowledged", _("座席已确认")
    DISPUTED = "disputed", _("座席申诉中")
    DISPUTE_UPHELD = "dispute_upheld", _("申诉成立（已复评）")
    DISPUTE_REJECTED = "dispute_rejected", _("申诉驳回")
    CALIBRATION = "calibration", _("校准评分")


class SamplingKind(models.TextChoices):
    RANDOM = "random", _("随机抽样")
    TARGETED = "targeted", _("定向抽样")


class RuleKind(models.TextChoices):
    FORBIDDEN = "forbidden", _("禁用语（出现即命中）")
    REQUIRED = "required", _("必说语（触发词出现而未说明即命中）")
