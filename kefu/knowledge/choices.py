from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("常见问题")
    PROCEDURE = "procedure", _("业务流程")
    PRODUCT = "product", _("产品说明")
    SCRIPT = "script", _("服务话术")


class ScriptKind(models.TextChoices):
    NONE = "", _("（非话术）")
    GREETING = "greeting", _("开场问候")
    CLOSING = "closing", _("结束语")
    OTHER = "other", _("其他话术")


class Audience(models.TextChoices):
    AGENT = "agent", _("仅座席内部")
    CUSTOMER = "customer", _("客户可见")


class BusinessLine(models.TextChoices):
    DEBIT_CARD = "debit_card", _("借记卡")
    CREDIT_CARD = "credit_card", _("信用卡")
    LOAN = "loan", _("贷款")
    WEALTH = "wealth", _("理财")
    SAVINGS_DEPOSIT = "savings_deposit", _("储蓄存款")
    PAYMENT_SETTLEMENT = "payment_settlement", _("支付结算")
    E_BANKING = "e_banking", _("电子银行")
    PERSONAL_INFO = "personal_info", _("个人信息")
    SERVICE = "service", _("综合服务")
    OTHER = "other", _("其他")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PENDING_COMPLIANCE = "pending_compliance", _("待合规审查")
    APPROVED = "approved", _("已批准待发布")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("已退回")
    SUPERSEDED = "superseded", _("已被新版本取代")
    WITHDRAWN = "withdrawn", _("已撤下")


class WorkflowAction(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("审核通过")
    COMPLIANCE_APPROVE = "compliance_approve", _("合规审查通过")
    REJECT = "reject", _("退回修改")
    REOPEN = "reopen", _("重新编辑")
    PUBLISH = "publish", _("发布")
    WITHDRAW = "withdraw", _("撤下")


class FeedbackChannel(models.TextChoices):
    AGENT = "agent", _("座席")
    CUSTOMER = "customer", _("客户（公开页面）")
    BOT = "bot", _("智能客服")
