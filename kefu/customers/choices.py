"""Choices of the customers app: stable codes stored in the database, labels translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU_PERMIT = "hk_macau_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    OTHER = "other", _("其他证件")


class Segment(models.TextChoices):
    MASS = "mass", _("大众客户")
    AFFLUENT = "affluent", _("财富客户")
    PRIVATE = "private", _("私人银行客户")
    SMALL_BUSINESS = "small_business", _("小微企业主")


class LifecycleStage(models.TextChoices):
    NEW = "new", _("新客户")
    ACTIVE = "active", _("活跃")
    DORMANT = "dormant", _("休眠")
    CHURNED = "churned", _("流失")


class ValueTier(models.TextChoices):
    STANDARD = "standard", _("普通")
    SILVER = "silver", _("银卡")
    GOLD = "gold", _("金卡")
    PLATINUM = "platinum", _("白金")
    DIAMOND = "diamond", _("钻石")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    APP = "app", _("手机银行")
    WECHAT = "wechat", _("微信")
    BRANCH = "branch", _("网点")
    LETTER = "letter", _("信函")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("手机")
    HOME = "home", _("住宅电话")
    WORK = "work", _("单位电话")
    OTHER = "other", _("其他")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    ANONYMISED = "anonymised", _("已匿名化")


class CustomerSource(models.TextChoices):
    CORE = "core", _("核心系统同步")
    MANUAL = "manual", _("人工建档")


class CreationPurpose(models.TextChoices):
    """Why a profile is created: decides the minimal set of fields collected (minimum necessary)."""

    SERVICE_INQUIRY = "service_inquiry", _("咨询服务")
    COMPLAINT = "complaint", _("投诉受理")
    ACCOUNT_SERVICE = "account_service", _("账户服务")
    CALLBACK = "callback", _("预约回访")


class ChangeField(models.TextChoices):
    NAME = "name", _("姓名")
    ID_NUMBER = "id_number", _("证件号码")
    SMS_PHONE = "sms_phone", _("短信通知手机号")
    EXTRA_PHONE = "extra_phone", _("其他联系电话")
    EMAIL = "email", _("电子邮件")
    ADDRESS = "address", _("联系地址")
    PREFERRED_CHANNEL = "preferred_channel", _("首选联系渠道")
    MARKETING_OPT_OUT = "marketing_opt_out", _("拒绝营销")
    DISABILITY = "disability", _("残障")
    NEEDS_INTERPRETER = "needs_interpreter", _("需要翻译")
    # Segment, value tier and lifecycle stage are derived from the core bank on every sync, so they are
    # not changeable by request (a manual value would silently be overwritten).


# Maker-checker: a change to one of these needs a second person's approval before it applies.
SENSITIVE_CHANGE_FIELDS = frozenset({ChangeField.SMS_PHONE, ChangeField.ID_NUMBER, ChangeField.NAME})


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    APPLIED = "applied", _("已生效")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已撤销")


class ConsentPurpose(models.TextChoices):
    SMS_ALERTS = "sms_alerts", _("动账短信通知")
    MARKETING = "marketing", _("营销推广")
    DATA_SHARING = "data_sharing", _("向第三方提供信息")
    RECORDING = "recording", _("通话录音")
    SENSITIVE_PROCESSING = "sensitive_processing", _("处理敏感个人信息")
    SURVEY = "survey", _("满意度回访")


class ConsentChannel(models.TextChoices):
    PHONE = "phone", _("电话（录音）")
    IVR = "ivr", _("语音自助")
    APP = "app", _("手机银行")
    BRANCH = "branch", _("网点纸质")
    WEB = "web", _("网上银行")
    SMS = "sms", _("短信回复")


class ShareRecipientKind(models.TextChoices):
    DEPARTMENT = "department", _("行内部门")
    THIRD_PARTY = "third_party", _("第三方机构")


class ShareStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    REVOKED = "revoked", _("已撤回")


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    COMPLETED = "completed", _("已匿名化")
    REFUSED = "refused", _("不予删除")


class VerificationFactor(models.TextChoices):
    ID_LAST6 = "id_last6", _("证件号后六位")
    BIRTH_DATE = "birth_date", _("出生日期")
    NAME = "name", _("姓名")
    CARD_LAST4 = "card_last4", _("卡号后四位")
    SMS_PHONE_LAST4 = "sms_phone_last4", _("预留手机号后四位")
    ADDRESS_CITY = "address_city", _("联系地址所在城市")


class VerificationOutcome(models.TextChoices):
    PASSED = "passed", _("验证通过")
    FAILED = "failed", _("验证失败")
    LOCKED = "locked", _("尝试次数过多，已锁定")


class CaseSubject(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    TRANSACTION = "transaction", _("交易")


class CaseCategory(models.TextChoices):
    FRAUD_VICTIM = "fraud_victim", _("疑似电信诈骗受害")
    ACCOUNT_TAKEOVER = "account_takeover", _("疑似账户盗用")
    MONEY_LAUNDERING = "money_laundering", _("疑似洗钱")
    IDENTITY_FRAUD = "identity_fraud", _("冒名身份")
    OTHER = "other", _("其他可疑情况")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    INVESTIGATING = "investigating", _("核查中")
    CONFIRMED = "confirmed", _("确认可疑（已上报）")
    CLEARED = "cleared", _("排除可疑")


CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.INVESTIGATING, CaseStatus.CLEARED},
    CaseStatus.INVESTIGATING: {CaseStatus.CONFIRMED, CaseStatus.CLEARED},
    CaseStatus.CONFIRMED: set(),
    CaseStatus.CLEARED: set(),
}
