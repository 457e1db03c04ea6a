"""Knowledge base tables.

An ``Article`` is the stable identity agents and customers link to; its content lives in numbered
``ArticleVersion`` rows that go through review -> approval -> publication. When a version is published
its content is copied onto the article (the "live" copy) so search, the FAQ page and the bot read one
row per article without joining versions.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ArticleKind, Audience, BusinessLine, FeedbackChannel, ScriptKind, VersionStatus


def new_generation() -> str:
    return uuid.uuid4().hex


def local_today() -> date:
    return timezone.localdate()


class Category(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    business_line = models.CharField(_("业务条线"), max_length=30, choices=BusinessLine.choices,
                                     default=BusinessLine.OTHER)
    # Fee and product categories: every article in them needs a compliance review before publication.
    requires_compliance = models.BooleanField(_("需合规审查"), default=False)
    order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("知识分类")
        verbose_name_plural = _("知识分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def live(self, *, on: date | None = None) -> ArticleQuerySet:
        """Published articles in force today (effective date reached, not expired)."""
        on = on or local_today()
        return self.filter(is_live=True).filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_until__isnull=True) | Q(effective_until__gte=on),
        )

    def for_audience(self, audience: str) -> ArticleQuerySet:
        # Customers see customer articles only; agents see both.
        if audience == Audience.CUSTOMER:
            return self.filter(audience=Audience.CUSTOMER)
        return self


class Article(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.FAQ)
    script_kind = models.CharField(_("话术类型"), max_length=20, choices=ScriptKind.choices, blank=True,
                                   default=ScriptKind.NONE)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT,
                                 related_name="articles")
    audience = models.CharField(_("可见范围"), max_length=20, choices=Audience.choices, default=Audience.AGENT)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="articles")
    # Live copy of the published version (empty until the first publication).
    title = models.CharField(_("标题"), max_length=200)
    question = models.CharField(_("标准问题"), max_length=300, blank=True)
    paraphrases = models.JSONField(_("相似问法"), default=list, blank=True)
    body = models.TextField(_("正文/答案"), blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_until = models.DateField(_("失效日期（含当日）"), null=True, blank=True)
    live_version = models.ForeignKey("ArticleVersion", verbose_name=_("当前发布版本"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    is_live = models.BooleanField(_("已发布"), default=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    helpful_count = models.PositiveIntegerField(_("有帮助"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("没帮助"), default=0)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    use_count = models.PositiveIntegerField(_("引用次数"), default=0)
    # Word-segmented fields of the live copy (``index.analyze``), so indexes build without jieba.
    search_tokens = models.JSONField(default=dict, blank=True, editable=False)
    # Sequence number of the last change that affects search; process-local indexes catch up from it.
    index_seq = models.BigIntegerField(default=0, db_index=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or local_today()
        return (self.is_live and (self.effective_from is None or self.effective_from <= on)
                and (self.effective_until is None or self.effective_until >= on))


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=24, choices=VersionStatus.choices, default=VersionStatus.DRAFT,
                              db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ArticleKind.choices)
    script_kind = models.CharField(_("话术类型"), max_length=20, choices=ScriptKind.choices, blank=True, default="")
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(_("可见范围"), max_length=20, choices=Audience.choices)
    title = models.CharField(_("标题"), max_length=200)
    question = models.CharField(_("标准问题"), max_length=300, blank=True)
    paraphrases = models.JSONField(_("相似问法"), default=list, blank=True)
    body = models.TextField(_("正文/答案"))
    tags = models.JSONField(_("标签"), default=list, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_until = models.DateField(_("失效日期（含当日）"), null=True, blank=True)
    change_note = models.CharField(_("修改说明"), max_length=300, blank=True)
    requires_compliance = models.BooleanField(_("需合规审查"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编写人"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    compliance_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("合规审查人"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    compliance_at = models.DateTimeField(_("合规审查时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        ordering = ["article_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class WorkflowEvent(models.Model):
    """One row per workflow step of a version: who did what, when, and why (shown in the UI history)."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=24, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核流转记录")
        verbose_name_plural = _("审核流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} -> {self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under MEDIA_ROOT (outside the web root) with a random name; served by a permission-checked view.
    return f"knowledge/{timezone.now():%Y/%m}/{instance.sha256[:16]}-{instance.article_id}"


class Attachment(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Feedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(ArticleVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    helpful = models.BooleanField(_("有帮助"))
    channel = models.CharField(_("来源"), max_length=20, choices=FeedbackChannel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("文章反馈")
        verbose_name_plural = _("文章反馈")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class IndexState(models.Model):
    """A single row whose ``seq`` grows on every change that affects search (shared by all app servers)."""

    seq = models.BigIntegerField(default=0)
    # A new row (fresh database, restored backup, test rollback) gets a new generation: indexes rebuild.
    generation = models.CharField(max_length=32, default=new_generation)

    class Meta:
        verbose_name = _("检索索引状态")
        verbose_name_plural = _("检索索引状态")

    def __str__(self) -> str:
        return f"index seq {self.seq}"
