from __future__ import annotations

import threading

import pytest
from django.db import connection, connections


@pytest.mark.django_db(transaction=True)
def test_numbers_unique_under_concurrency():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers with one database lock; row locking is exercised on PostgreSQL")
    from kefu.workorders.numbers import next_number

    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            mine = [next_number(kind="complaint") for _ in range(15)]
            with lock:
                results.extend(mine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 90 and len(set(results)) == 90
    seqs = sorted(int(n[-6:]) for n in results)
    assert seqs == list(range(seqs[0], seqs[0] + 90))
