from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import CP

NAV_ITEMS = [
    NavItem(_("客户查询"), "customers:lookup", CP.LOOKUP, order=20),
    NavItem(_("信息变更复核"), "customers:pending_changes", CP.CHANGE_APPROVE, order=75),
    NavItem(_("可疑案件"), "customers:cases", CP.RISK_CASE_MANAGE, order=80),
]
