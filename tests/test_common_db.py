"""``kefu.common.db.takes_several_statements``: several statements in one execute() only where the driver
sends them as one simple query."""

from types import SimpleNamespace

import pytest
from django.db import connection

from kefu.common.db import takes_several_statements


def _fake(vendor: str, options: dict) -> SimpleNamespace:
    return SimpleNamespace(vendor=vendor, settings_dict={"OPTIONS": options})


def test_only_postgresql_with_client_side_binding():
    assert takes_several_statements(_fake("postgresql", {})) is True
    assert takes_several_statements(_fake("postgresql", {"server_side_binding": True})) is False
    assert takes_several_statements(_fake("sqlite", {})) is False


@pytest.mark.django_db
def test_the_answer_holds_for_the_test_database():
    with connection.cursor() as cursor:
        if takes_several_statements(connection):
            cursor.execute("SELECT %s; SELECT %s", [1, 2])
            assert cursor.fetchone() == (1,)  # the first result; the second follows it
        else:
            with pytest.raises(Exception):  # noqa: B017 (each driver raises its own kind)
                cursor.execute("SELECT %s; SELECT %s", [1, 2])


@pytest.mark.django_db
def test_transaction_aborted_after_an_error_outside_a_savepoint():
    from django.db import DatabaseError, transaction

    from kefu.common.db import transaction_aborted

    with transaction.atomic():
        assert transaction_aborted(connection) is False
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM kefu_no_such_table")
        assert transaction_aborted(connection) is (connection.vendor == "postgresql")
        transaction.set_rollback(True)
