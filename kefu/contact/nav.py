from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

NAV_ITEMS = [
    NavItem(_("座席工作台"), "contact:desktop", "contact.desktop", order=10),
    NavItem(_("实时监控"), "contact:wallboard", "contact.wallboard", order=60),
    NavItem(_("排班"), "contact:roster", "contact.desktop", order=64),
    NavItem(_("人力测算"), "contact:staffing", "contact.supervise", order=65),
]
