"""IVR permissions and their default grants."""

from kefu.org.permissions import grant, register


class P:
    GATEWAY = register("ivr.gateway", "电话银行网关接入（PBX/云呼叫中心）")
    SOFTPHONE = register("ivr.softphone", "使用IVR软电话（演示与培训）")
    FLOW_MANAGE = register("ivr.flow_manage", "维护与发布IVR流程")
    CALL_VIEW = register("ivr.call_view", "查看IVR通话记录与转接上下文", read_only=True)
    CREDENTIAL_MANAGE = register("ivr.credential_manage", "设置/解锁电话银行密码")
    ALERTS_MANAGE = register("ivr.alerts_manage", "管理短信通订阅")


grant("service_account", P.GATEWAY)
grant("agent", P.SOFTPHONE, P.CALL_VIEW)
grant("shift_lead", P.SOFTPHONE, P.CALL_VIEW, P.CREDENTIAL_MANAGE, P.ALERTS_MANAGE)
grant("center_director", P.SOFTPHONE, P.CALL_VIEW)
grant("system_maintainer", P.SOFTPHONE, P.CALL_VIEW, P.FLOW_MANAGE)
grant("compliance_auditor", P.CALL_VIEW)
grant("admin", P.SOFTPHONE, P.CALL_VIEW, P.FLOW_MANAGE, P.CREDENTIAL_MANAGE, P.ALERTS_MANAGE)
