"""Deadline policies are versioned: a change is a new version, never an edit of one in use."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max

from kefu.audit.services import record
from kefu.common import refcache
from kefu.pii.validators import reject_c3

from ..deadlines import validate_amount, validate_unit
from ..models import DeadlinePolicy
from .clocks import policy_cache_key


def create_policy_version(*, code: str, name: str, unit: str, amount: int, effective_from: date, actor: Any,
                          basis: str = "") -> DeadlinePolicy:
    """Add the next version of policy ``code`` (a new code starts at version 1)."""
    unit = validate_unit(unit)
    amount = validate_amount(amount)
    reject_c3(name)
    reject_c3(basis)
    with transaction.atomic():
        # Lock the code's rows so two maintainers cannot create the same version number.
        list(DeadlinePolicy.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
        latest = DeadlinePolicy.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
        policy = DeadlinePolicy.objects.create(code=code[:60], version=latest + 1, name=name[:100], unit=unit,
                                               amount=amount, effective_from=effective_from, basis=basis[:300])
        record(actor=actor, action="calendar.policy_version_created", obj=policy, changes={
            "code": [None, code], "version": [latest or None, policy.version], "unit": [None, unit],
            "amount": [None, amount], "effective_from": [None, effective_from]})
        transaction.on_commit(partial(refcache.forget, policy_cache_key(code)))
    return policy
