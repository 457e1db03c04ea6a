from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import P

NAV_ITEMS = [
    NavItem(_("IVR软电话"), "ivr:softphone", P.SOFTPHONE, order=60, section="contact"),
    NavItem(_("IVR通话"), "ivr:calls", P.CALL_VIEW, order=61, section="contact"),
]
