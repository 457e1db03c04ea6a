"""Error codes of the customers app."""

from django.utils.translation import gettext_lazy as _

from kefu.common.errors import Conflict, Forbidden, KefuError, ValidationFailed


class CustomerInvalid(ValidationFailed):
    code = "customers.invalid"


class DuplicateCustomer(Conflict):
    code = "customers.duplicate"
    default_message = _("客户已存在")


class MakerCheckerViolation(Forbidden):
    code = "customers.same_maker_checker"
    default_message = _("复核人不能是经办人本人")


class VerificationLocked(KefuError):
    status = 429
    code = "customers.verification_locked"
    default_message = _("身份验证失败次数过多，已暂时锁定，请稍后再试或转柜面核实")


class VerificationRequired(Forbidden):
    code = "customers.verification_required"
    default_message = _("请先核验客户身份")


class ConsentMissing(Conflict):
    code = "customers.consent_missing"
    default_message = _("客户未授权此用途")


class ErasureRefused(Conflict):
    code = "customers.erasure_refused"


class AnonymisedCustomer(Conflict):
    code = "customers.anonymised"
    default_message = _("该客户信息已匿名化")
