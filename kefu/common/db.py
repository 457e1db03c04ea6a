"""Database helpers shared by the apps."""

from __future__ import annotations

from typing import Any


def takes_several_statements(connection: Any) -> bool:
    """Whether one ``execute()`` may carry several statements separated by ``;`` (one round trip for all):
    PostgreSQL with client-side binding, Django's default for psycopg 3. Not SQLite, and not PostgreSQL with
    ``OPTIONS["server_side_binding"]`` (the extended protocol takes one statement per message)."""
    return (connection.vendor == "postgresql"
            and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"))


def transaction_aborted(connection: Any) -> bool:
    """Whether the connection's transaction failed and refuses further statements until it rolls back
    (PostgreSQL after an error outside a savepoint; SQLite has no such state)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return False
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR
