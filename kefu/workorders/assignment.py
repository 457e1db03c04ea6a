"""Routing: the rules table picks the handling unit, round-robin picks the handler, recusal excludes the
people the complaint is about. (Named ``assignment`` because ``routing.py`` is the websocket hook.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import RoundRobinCursor, RoutingRule, WorkOrder
from .permissions import WP


def _home_unit(wo: WorkOrder) -> Any:
    customer = wo.customer
    return getattr(customer, "home_unit", None) if customer is not None else None


def suggest_unit(wo: WorkOrder) -> Any:
    """The first active rule (by priority) matching type, category, business line and home branch."""
    home = _home_unit(wo)
    for rule in RoutingRule.objects.filter(active=True).select_related("home_unit", "target_unit"):
        if rule.kind and rule.kind != wo.kind:
            continue
        if rule.category and rule.category != wo.category:
            continue
        if rule.business_line and rule.business_line != wo.business_line:
            continue
        if rule.home_unit_id and (home is None or not home.path.startswith(rule.home_unit.path)):
            continue
        if not rule.target_unit.active:
            continue
        return rule.target_unit
    return None


def is_recused_unit(wo: WorkOrder, unit: Any) -> bool:
    return bool(wo.complained_unit_id and unit is not None and unit.pk == wo.complained_unit_id)


def eligible_handlers(unit: Any, wo: WorkOrder) -> list[Any]:
    from kefu.org.models import User

    from .workflow import is_recused

    users = (User.objects.filter(unit=unit, is_active=True).prefetch_related("roles").order_by("pk"))
    handlers, heads = [], []
    for user in users:
        perms: set[str] = set()
        for role in user.roles.all():
            perms.update(role.permissions)
        if WP.PROCESS not in perms or is_recused(user, wo):
            continue
        # Heads sign off; they take cases in turn only where the unit has no other handler.
        (heads if WP.SIGN_OFF in perms else handlers).append(user)
    return handlers or heads


def next_handler(unit: Any, wo: WorkOrder) -> Any:
    """Round-robin among the unit's eligible handlers; the cursor row is locked so two dispatches never
    pick from the same position."""
    handlers = eligible_handlers(unit, wo)
    if not handlers:
        return None
    with transaction.atomic():
        cursor, _ = RoundRobinCursor.objects.get_or_create(unit=unit)
        cursor = RoundRobinCursor.objects.select_for_update().get(pk=cursor.pk)
        after = [u for u in handlers if cursor.last_user_id is None or u.pk > cursor.last_user_id]
        chosen = after[0] if after else handlers[0]
        cursor.last_user_id = chosen.pk
        cursor.save(update_fields=["last_user_id"])
    return chosen


def service_management_unit() -> Any:
    from kefu.org.models import Unit

    return Unit.objects.filter(is_service_management=True, active=True).order_by("path").first()


def upper_level_unit(unit: Any) -> Any:
    """The re-check goes one level up: an outlet's branch, a branch's service management department."""
    from kefu.org.choices import UnitKind

    if unit is None:
        return service_management_unit()
    if unit.kind == UnitKind.OUTLET:
        return unit.branch() or service_management_unit()
    return service_management_unit() or unit.parent
