"""Readable, unique work-order numbers: type prefix, date (Asia/Shanghai), daily sequence (TS20261122000123).

The counter row for (prefix, day) is locked with SELECT ... FOR UPDATE, which serialises concurrent
creators on PostgreSQL and is a no-op under SQLite's database-level write lock; either way no two
transactions read the same value.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .choices import NUMBER_PREFIX
from .models import NumberSequence

SEQUENCE_DIGITS = 6


def next_number(*, kind: str, at: datetime | None = None) -> str:
    prefix = NUMBER_PREFIX[kind]
    day = timezone.localtime(at or timezone.now()).date()
    # No savepoint of our own: inside the caller's transaction the row lock is held to its commit anyway.
    with transaction.atomic(savepoint=False):
        row = NumberSequence.objects.select_for_update().filter(prefix=prefix, day=day).first()
        if row is None:
            try:
                # A savepoint: if a concurrent transaction created the row first, retry on its row.
                with transaction.atomic():
                    NumberSequence.objects.create(prefix=prefix, day=day, last_value=0)
            except IntegrityError:
                pass
            row = NumberSequence.objects.select_for_update().get(prefix=prefix, day=day)
        row.last_value += 1
        row.save(update_fields=["last_value"])
        return f"{prefix}{day:%Y%m%d}{row.last_value:0{SEQUENCE_DIGITS}d}"
