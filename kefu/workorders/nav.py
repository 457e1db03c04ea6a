from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import WP

NAV_ITEMS = [
    NavItem(_("工单受理"), "workorders:intake", WP.HANDLE, order=20),
    NavItem(_("工单队列"), "workorders:queue", WP.VIEW, order=21),
    NavItem(_("网点投诉"), "workorders:branch", WP.INTAKE_BRANCH, order=22),
    NavItem(_("督办看板"), "workorders:board", WP.SUPERVISE, order=23),
]
