"""``deferred()``: the entries of one service call are appended together at the end of the block, in order,
still inside the write's transaction; entries of a rolled-back savepoint or a failed block are never kept."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from kefu.audit.models import AuditChainHead, AuditEntry
from kefu.audit.services import deferred, dropped_on_error, record
from kefu.audit.verify import verify_chain
from kefu.common.db import takes_several_statements

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_entries_are_appended_at_the_end_of_the_block_in_order():
    with transaction.atomic(), deferred():
        for i in range(3):
            record(actor=None, action=f"test.step{i}", object_type="test.thing", object_id=str(i))
        # Nothing touches the chain before the end of the block.
        assert AuditEntry.objects.count() == 0
    assert _actions() == ["test.step0", "test.step1", "test.step2"]
    assert [e.seq for e in AuditEntry.objects.order_by("seq")] == [1, 2, 3]
    assert AuditChainHead.objects.get(id=1).last_seq == 3
    assert verify_chain().ok


def test_one_lock_insert_and_head_update_for_the_whole_block():
    first = record(actor=None, action="test.first")  # the chain head exists
    assert AuditEntry.objects.get(pk=first.pk).action == "test.first" and not first._state.adding
    with transaction.atomic(), CaptureQueriesContext(transaction.get_connection()) as ctx, deferred():
        batch = [record(actor=None, action=f"test.step{i}") for i in range(5)]
    # The appended entries know their rows, as after bulk_create().
    assert [AuditEntry.objects.get(pk=e.pk).action for e in batch] == [f"test.step{i}" for i in range(5)]
    audit_statements = [q["sql"] for q in ctx.captured_queries if "audit_" in q["sql"]]
    assert verify_chain().ok and AuditEntry.objects.count() == 6
    if takes_several_statements(transaction.get_connection()):
        # PostgreSQL: the INSERT and the head's move go in one round trip.
        assert len(audit_statements) == 2, audit_statements
        lock, (insert, move) = audit_statements[0], audit_statements[1].split("; UPDATE ")
        move = "UPDATE " + move
    else:
        assert len(audit_statements) == 3, audit_statements  # lock the head, one INSERT, move the head
        lock, insert, move = audit_statements
    assert lock.startswith("SELECT") and "audit_auditchainhead" in lock and "WHERE id = 1" in lock
    if transaction.get_connection().features.has_select_for_update:  # PostgreSQL: the head row is locked
        assert lock.rstrip().endswith("FOR UPDATE"), lock
    assert insert.startswith('INSERT INTO "audit_auditentry"') and move.startswith('UPDATE "audit_auditchainhead"')
    assert AuditChainHead.objects.get(id=1).last_seq == 6


def test_the_first_append_creates_the_chain_head():
    AuditChainHead.objects.all().delete()
    with transaction.atomic(), deferred():
        record(actor=None, action="test.first")
        record(actor=None, action="test.second")
    head = AuditChainHead.objects.get(id=1)
    assert head.last_seq == 2 and head.last_hash == AuditEntry.objects.get(seq=2).entry_hash
    assert verify_chain().ok


def test_entries_of_a_rolled_back_savepoint_are_dropped():
    with transaction.atomic(), deferred():
        record(actor=None, action="test.kept_before")
        try:
            with transaction.atomic():
                record(actor=None, action="test.rolled_back")
                raise ValueError("the write this entry records did not happen")
        except ValueError:
            pass
        record(actor=None, action="test.kept_after")
    assert _actions() == ["test.kept_before", "test.kept_after"]
    assert verify_chain().ok


def test_entries_of_a_failed_block_without_savepoint_are_dropped():
    with transaction.atomic(), deferred():
        record(actor=None, action="test.kept_before")
        with pytest.raises(ValueError), dropped_on_error():
            record(actor=None, action="test.read_that_failed")
            raise ValueError("the read did not finish")
        with dropped_on_error():
            record(actor=None, action="test.read_that_finished")
    assert _actions() == ["test.kept_before", "test.read_that_finished"]
    assert verify_chain().ok


def test_a_failed_block_appends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic(), deferred():
        record(actor=None, action="test.lost")
        raise RuntimeError("boom")
    assert AuditEntry.objects.count() == 0


def test_nested_blocks_join_the_outermost():
    with transaction.atomic(), deferred():
        record(actor=None, action="test.outer")
        with transaction.atomic(), deferred():
            record(actor=None, action="test.inner")
        assert AuditEntry.objects.count() == 0
    assert _actions() == ["test.outer", "test.inner"]


@pytest.mark.django_db(transaction=True)
def test_deferred_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"), deferred():
        pass
