from django.utils.translation import gettext_lazy as _

from kefu.org.nav import NavItem

from .permissions import AssistPerm

NAV_ITEMS = [
    NavItem(_("投诉热点"), "assist:hot_topics", AssistPerm.HOT_TOPICS, order=62),
    NavItem(_("智能分类"), "assist:triage", AssistPerm.TRIAGE, order=63),
]
