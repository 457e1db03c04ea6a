from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

NAV_ITEMS = [NavItem(_("报表"), "reports:report", "reports.view", order=80)]
