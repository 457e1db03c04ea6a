"""Warnings when next year's holiday schedule is missing: /readyz and a banner on every page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.ops.registry import CheckResult

from . import conf
from .index import SHANGHAI


def missing_years(today: date | None = None) -> list[int]:
    """This year if unpublished, and next year once the warning season (1 December) has begun."""
    from .deadlines import get_index

    today = today or timezone.now().astimezone(SHANGHAI).date()
    index = get_index()
    missing = [today.year] if today.year not in index.published else []
    month, day = conf.warn_from()
    if (today.month, today.day) >= (month, day) and today.year + 1 not in index.published:
        missing.append(today.year + 1)
    return missing


def readiness() -> CheckResult:
    missing = missing_years()
    if not missing:
        return CheckResult(True, "holiday schedule published")
    years = ", ".join(str(y) for y in missing)
    return CheckResult(False, f"holiday schedule not published for {years}; deadlines there are provisional "
                              "(weekends only)", warning=True)


def banner(request: Any) -> list[str]:
    try:
        missing = missing_years()
    except Exception:  # a banner must never break a page
        return []
    if not missing:
        return []
    years = "、".join(str(y) for y in missing)
    return [_("%(years)s年节假日安排尚未发布：相关期限按仅周末休息临时计算（标记为“临时”）。"
              "请系统维护人员尽快导入并发布。") % {"years": years}]
