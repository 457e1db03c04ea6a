"""Calendar error codes (``calendar.*``); the API renders them as ``{code, message, fields}``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.common.errors import Conflict, KefuError, NotFound, ValidationFailed


class CalendarError(KefuError):
    status = 422
    code = "calendar.error"


class DeadlineError(CalendarError):
    """Bad input to a deadline computation; ``code`` says which (see the constants below)."""

    code = "calendar.invalid_input"
    default_message = _("期限计算参数有误")


# Codes of DeadlineError, also used as the ``error.code`` of the CLI and the batch API.
MALFORMED_JSON = "calendar.malformed_json"
NOT_AN_OBJECT = "calendar.not_an_object"
MISSING_FIELD = "calendar.missing_field"
UNKNOWN_UNIT = "calendar.unknown_unit"
INVALID_AMOUNT = "calendar.invalid_amount"
INVALID_DATETIME = "calendar.invalid_datetime"
NAIVE_DATETIME = "calendar.naive_datetime"
OUT_OF_RANGE = "calendar.out_of_range"


class ImportInvalid(ValidationFailed):
    code = "calendar.import_invalid"
    default_message = _("节假日文件校验未通过，未导入任何数据")


class InvalidCalendarDay(ValidationFailed):
    code = "calendar.invalid_day"
    default_message = _("日历条目无效")


class InvalidRange(ValidationFailed):
    code = "calendar.invalid_range"
    default_message = _("日期范围无效")


class PolicyNotFound(NotFound):
    code = "calendar.policy_not_found"
    default_message = _("期限规则不存在或尚未生效")


class ClockStateError(Conflict):
    code = "calendar.clock_invalid_transition"
    default_message = _("计时器当前状态不允许此操作")
