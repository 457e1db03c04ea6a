from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem
from kefu.org.permissions import P

NAV_ITEMS = [NavItem(_("审计日志"), "audit:entries", P.AUDIT_VIEW, order=900)]
