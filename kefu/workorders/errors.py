"""Error codes of work orders (``workorder.*``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.common.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed


class WorkOrderInvalidTransition(InvalidTransition):
    code = "workorder.invalid_transition"
    default_message = _("工单当前状态不允许此操作")


class TransitionForbidden(Forbidden):
    code = "workorder.transition_forbidden"
    default_message = _("您无权对该工单执行此操作")


class MissingFields(ValidationFailed):
    code = "workorder.missing_fields"
    default_message = _("请填写此操作的必填项")


class InvalidWorkOrder(ValidationFailed):
    code = "workorder.invalid"


class Recusal(Forbidden):
    code = "workorder.recusal"
    default_message = _("被投诉机构或被投诉人员须回避，不得承办此工单")


class DuplicateSource(Conflict):
    code = "workorder.duplicate_source"
    default_message = _("该来源的工单已存在")


class AttachmentRejected(ValidationFailed):
    code = "workorder.attachment_rejected"
    default_message = _("附件类型或大小不符合要求")
