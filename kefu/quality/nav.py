from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

NAV_ITEMS = [NavItem(_("质检"), "quality:home", "quality.own", order=70),
             NavItem(_("质检管理"), "quality:home", "quality.view_all", order=71)]
