from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import KP

NAV_ITEMS = [
    NavItem(_("知识库"), "knowledge:home", KP.VIEW, order=40),
    NavItem(_("知识审核"), "knowledge:review", KP.AUTHOR, order=41),
]
