"""Quality inspection (质检): scorecards as data, sampling, evaluations, disputes, calibration, keyword rules,
coaching and training records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EvaluationStatus, RuleKind, SamplingKind


class Scorecard(models.Model):
    code = models.CharField(_("代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    channel = models.CharField(_("适用渠道"), max_length=10, default="phone")
    passing_score = models.DecimalField(_("合格分"), max_digits=5, decimal_places=2, default=80)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("质检评分表")
        verbose_name_plural = _("质检评分表")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="quality_scorecard_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ScorecardSection(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("模块"), max_length=80)
    weight = models.PositiveSmallIntegerField(_("权重（%）"), default=25)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分模块")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class ScorecardItem(models.Model):
    section = models.ForeignKey(ScorecardSection, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("评分项"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("满分"), default=5)
    # A fatal item (e.g. no risk warning, disclosed personal data) scores the whole evaluation 0.
    fatal = models.BooleanField(_("致命项"), default=False)
    guidance = models.CharField(_("评分说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分项")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SamplingPlan(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=SamplingKind.choices, default=SamplingKind.RANDOM)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT)
    rate_percent = models.DecimalField(_("抽样比例（%）"), max_digits=5, decimal_places=2, default=3)
    max_per_agent = models.PositiveSmallIntegerField(_("每座席上限"), default=5)
    # Targeting: any true criterion selects the interaction.
    complaints = models.BooleanField(_("投诉相关"), default=False)
    min_talk_seconds = models.PositiveIntegerField(_("长通话（秒，0=不限）"), default=0)
    max_csat = models.PositiveSmallIntegerField(_("低满意度（≤，0=不限）"), default=0)
    new_agent_days = models.PositiveSmallIntegerField(_("新座席（入职天数内，0=不限）"), default=0)
    keyword_hits = models.BooleanField(_("关键词规则命中"), default=False)
    channel = models.CharField(_("渠道"), max_length=10, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("抽样计划")
        verbose_name_plural = _("抽样计划")

    def __str__(self) -> str:
        return self.name


class CalibrationSession(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    interaction = models.ForeignKey("contact.Interaction", on_delete=models.PROTECT, related_name="+")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("校准会")
        verbose_name_plural = _("校准会")

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    interaction = models.ForeignKey("contact.Interaction", on_delete=models.PROTECT, related_name="evaluations")
    recording = models.ForeignKey("contact.Recording", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT)
    agent = models.ForeignKey("contact.AgentProfile", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    plan = models.ForeignKey(SamplingPlan, null=True, blank=True, on_delete=models.SET_NULL)
    calibration = models.ForeignKey(CalibrationSession, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="evaluations")
    status = models.CharField(max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.ASSIGNED,
                              db_index=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fatal = models.BooleanField(default=False)
    comments = models.TextField(blank=True)
    dispute_reason = models.TextField(blank=True)
    dispute_resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("质检评估")
        verbose_name_plural = _("质检评估")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"质检 #{self.pk}"


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ScorecardItem, on_delete=models.PROTECT)
    points = models.PositiveSmallIntegerField(default=0)
    fatal_hit = models.BooleanField(default=False)
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("评分明细")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="quality_answer_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class KeywordRule(models.Model):
    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices)
    # Words separated by "|"; for REQUIRED rules ``trigger`` words make ``words`` mandatory.
    words = models.CharField(_("关键词（|分隔）"), max_length=500)
    trigger = models.CharField(_("触发词（必说语规则）"), max_length=500, blank=True)
    applies_to_agent_only = models.BooleanField(_("只检查座席发言"), default=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("关键词质检规则")
        verbose_name_plural = _("关键词质检规则")

    def __str__(self) -> str:
        return self.name


class KeywordHit(models.Model):
    rule = models.ForeignKey(KeywordRule, on_delete=models.CASCADE, related_name="hits")
    interaction = models.ForeignKey("contact.Interaction", on_delete=models.CASCADE, related_name="keyword_hits")
    snippet = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("关键词命中")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.interaction_id}"


class CoachingRecord(models.Model):
    agent = models.ForeignKey("contact.AgentProfile", on_delete=models.CASCADE, related_name="coaching")
    evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.SET_NULL)
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("辅导主题"), max_length=200)
    notes = models.TextField(_("辅导记录"), blank=True)
    held_on = models.DateField(_("辅导日期"), default=timezone.localdate)
    follow_up_on = models.DateField(_("跟进日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("辅导记录")
        verbose_name_plural = _("辅导记录")

    def __str__(self) -> str:
        return self.topic


class TrainingSession(models.Model):
    title = models.CharField(_("培训主题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    trainer = models.CharField(_("讲师"), max_length=60, blank=True)
    has_exam = models.BooleanField(_("含考试"), default=False)
    pass_score = models.PositiveSmallIntegerField(_("及格分"), default=60)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="records")
    agent = models.ForeignKey("contact.AgentProfile", on_delete=models.CASCADE, related_name="training")
    attended = models.BooleanField(_("出勤"), default=True)
    exam_score = models.PositiveSmallIntegerField(_("考试成绩"), null=True, blank=True)
    from_evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.SET_NULL,
                                        help_text=_("因质检结果安排的培训"))

    class Meta:
        verbose_name = _("培训记录")
        constraints = [models.UniqueConstraint(fields=["session", "agent"], name="quality_training_unique")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.agent_id}"

    @property
    def passed(self) -> bool | None:
        if self.exam_score is None:
            return None
        return self.exam_score >= self.session.pass_score
