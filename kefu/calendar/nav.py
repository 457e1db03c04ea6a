from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import CalendarPerm

NAV_ITEMS = [
    NavItem(_("工作日历"), "calendar:home", CalendarPerm.VIEW, order=80, section="ops"),
    NavItem(_("期限重算"), "calendar:recomputations", CalendarPerm.RECOMPUTE_VIEW, order=81, section="ops"),
]
