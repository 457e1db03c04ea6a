"""Row-level visibility by organisation unit, in one place.

A model opts in by using ``VisibleQuerySet`` (or ``VisibleManager``) and naming the unit foreign keys that
grant visibility in ``VISIBILITY_UNIT_FIELDS``; it may add ``visibility_extra_q(user)`` for other grants
(e.g. the creator) and ``visibility_restrict_q(user)`` for rows only some may see at all (restricted
cases). Views and APIs never filter by unit themselves: they call ``.visible_to(user)`` and treat a
hidden object exactly like a missing one (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from kefu.common.errors import NotFound

M = TypeVar("M", bound=models.Model)


def visible_unit_ids(user: Any) -> list[int] | None:
    """Ids of the units in the user's visible subtrees (None: every unit), looked up once per user object.

    Filtering on the foreign-key column with these ids keeps the unit table out of the row queries: no
    join per unit field, and the planner can use the work-order indexes on the unit columns.
    """
    paths = user.visible_unit_paths()
    if paths is None:
        return None
    cached = getattr(user, "_kefu_visible_unit_ids", None)
    if cached is not None and cached[0] == paths:
        return cached[1]
    from .models import Unit

    path_q = Q(pk__in=[])
    for path in paths:
        path_q |= Q(path__startswith=path)
    ids = sorted(Unit.objects.filter(path_q).values_list("pk", flat=True)) if paths else []
    user._kefu_visible_unit_ids = (paths, ids)
    return ids


def unit_scope_q(user: Any, *unit_fields: str) -> Q | None:
    """Q restricting ``unit_fields`` to the user's visible subtrees; None means no restriction."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    ids = visible_unit_ids(user)
    if ids is None:
        return None
    q = Q(pk__in=[])
    for field in unit_fields:
        q |= Q(**{f"{field}_id__in" if "__" not in field else f"{field}__in": ids})
    return q


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> VisibleQuerySet:
        model = self.model
        if not getattr(user, "is_authenticated", False):
            return self.none()
        qs = self
        restrict = getattr(model, "visibility_restrict_q", None)
        if restrict is not None:
            restrict_q = restrict(user)
            if restrict_q is not None:
                qs = qs.filter(restrict_q)
        scope = unit_scope_q(user, *getattr(model, "VISIBILITY_UNIT_FIELDS", ()))
        if scope is None:
            return qs
        extra = getattr(model, "visibility_extra_q", None)
        if extra is not None:
            extra_q = extra(user)
            if extra_q is not None:
                scope |= extra_q
        return qs.filter(scope)


VisibleManager = models.Manager.from_queryset(VisibleQuerySet)


def get_visible_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see; a hidden object raises the same NotFound as a missing one."""
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined]
    except queryset.model.DoesNotExist as exc:
        raise NotFound() from exc
