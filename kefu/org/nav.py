"""Navigation by role: apps declare their menu entries in ``nav.py`` as ``NAV_ITEMS``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 100
    section: str = ""


NAV_ITEMS = [
    NavItem(_("工作台"), "org:home", None, order=0),
]


@cache
def all_nav_items() -> list[NavItem]:
    items: list[NavItem] = []
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.nav":
                raise
            continue
        items.extend(getattr(module, "NAV_ITEMS", []))
    return sorted(items, key=lambda i: i.order)
