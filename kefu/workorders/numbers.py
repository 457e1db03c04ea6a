"""Readable, unique work-order numbers: type prefix, date (Asia/Shanghai), daily sequence (TS20261122000123).

The counter row for (prefix, day) is incremented with UPDATE ... RETURNING, whose row lock serialises
concurrent creators on PostgreSQL and is a no-op under SQLite's database-level write lock; either way no two
transactions read the same value.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .choices import NUMBER_PREFIX
from .models import NumberSequence

SEQUENCE_DIGITS = 6


def next_number(*, kind: str, at: datetime | None = None) -> str:
    prefix = NUMBER_PREFIX[kind]
    day = timezone.localtime(at or timezone.now()).date()
    # One statement takes the row lock and the next value (held to the caller's commit anyway).
    value = _increment(prefix, day)
    if value is None:
        try:
            # A savepoint: if a concurrent transaction created the row first, increment its row.
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, day=day, last_value=0)
        except IntegrityError:
            pass
        value = _increment(prefix, day)
    return f"{prefix}{day:%Y%m%d}{value:0{SEQUENCE_DIGITS}d}"


def _increment(prefix: str, day: date) -> int | None:
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        # UPDATE ... RETURNING: PostgreSQL and SQLite >= 3.35 both have it.
        cursor.execute(f"UPDATE {table} SET last_value = last_value + 1 WHERE prefix = %s AND day = %s "  # noqa: S608 (table name from the model; values are bound)
                       "RETURNING last_value", [prefix, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return row[0] if row else None
