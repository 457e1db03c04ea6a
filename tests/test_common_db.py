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
