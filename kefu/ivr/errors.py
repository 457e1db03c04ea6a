from django.utils.translation import gettext_lazy as _

from kefu.common.errors import Conflict, NotFound, ValidationFailed


class CallNotFound(NotFound):
    code = "ivr.call_not_found"
    default_message = _("通话不存在或已结束")


class CallEnded(Conflict):
    code = "ivr.call_ended"
    default_message = _("通话已结束")


class BadInput(ValidationFailed):
    code = "ivr.bad_input"
    default_message = _("按键输入不合法")


class FlowInvalid(ValidationFailed):
    code = "ivr.flow_invalid"
    default_message = _("IVR流程校验未通过")


class NoPublishedFlow(Conflict):
    code = "ivr.no_published_flow"
    default_message = _("没有已发布的IVR流程")
