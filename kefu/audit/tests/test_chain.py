"""Tamper detection: any edit, deletion or reordering done by hand in SQL makes verify_audit fail and name
the first broken entry."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kefu.audit.models import AppendOnlyError, AuditEntry
from kefu.audit.services import record
from kefu.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [record(actor=None, action=f"test.step{i}", object_type="test.thing", object_id=str(i),
                   changes={"status": [f"s{i}", f"s{i + 1}"], "mobile": "13812345678"})
            for i in range(1, 7)]


def _sql(statement: str, params: list) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(statement.format(table=table), params)


def _verify_fails_at(seq: int) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    message = str(excinfo.value)
    assert f"seq {seq} " in message, message
    report = verify_chain()
    assert not report.ok and report.broken_seq == seq
    return message


def test_intact_chain_verifies(chain, capsys):
    call_command("verify_audit")
    assert "audit chain OK: 6 entries verified" in capsys.readouterr().out


def test_pii_in_changes_is_masked(chain):
    assert chain[0].changes["mobile"] == "138****5678"


def test_edited_field_is_detected(chain):
    _sql("UPDATE {table} SET action = %s WHERE seq = %s", ["test.forged", 3])
    assert "content does not match its hash" in _verify_fails_at(3)


def test_edited_changes_json_is_detected(chain):
    _sql("UPDATE {table} SET changes = %s WHERE seq = %s", ['{"status": ["s4", "closed"]}', 4])
    _verify_fails_at(4)


def test_recomputed_hash_still_breaks_the_next_link(chain):
    # A forger who also rewrites the edited row's own hash is caught by the next entry's prev_hash.
    from kefu.audit.services import compute_hash, entry_values

    entry = AuditEntry.objects.get(seq=2)
    entry.actor_label = "somebody_else"
    forged = compute_hash(entry.prev_hash, entry_values(entry))
    _sql("UPDATE {table} SET actor_label = %s, entry_hash = %s WHERE seq = %s", ["somebody_else", forged, 2])
    assert "previous-hash link broken" in _verify_fails_at(3)


def test_deleted_middle_row_is_detected(chain):
    _sql("DELETE FROM {table} WHERE seq = %s", [3])
    assert "missing or reordered" in _verify_fails_at(3)


def test_deleted_last_row_is_detected(chain):
    _sql("DELETE FROM {table} WHERE seq = %s", [6])
    assert "deleted from the end" in _verify_fails_at(6)


def test_swapped_rows_are_detected(chain):
    # Swap the full contents of rows 2 and 4 (their ids stay): the stored order no longer matches the chain.
    columns = [f.column for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    quoted = [connection.ops.quote_name(c) for c in columns]
    a = AuditEntry.objects.get(seq=2)
    b = AuditEntry.objects.get(seq=4)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(quoted)} FROM {table} WHERE id = %s", [a.pk])
        row_a = cur.fetchone()
        cur.execute(f"SELECT {', '.join(quoted)} FROM {table} WHERE id = %s", [b.pk])
        row_b = cur.fetchone()
        seq_col = connection.ops.quote_name("seq")
        cur.execute(f"UPDATE {table} SET {seq_col} = -1 WHERE id = %s", [a.pk])  # seq is unique
        assignments = ", ".join(f"{q} = %s" for q in quoted)
        cur.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*row_a, b.pk])
        cur.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*row_b, a.pk])
    assert "reordered" in _verify_fails_at(2)


def test_orm_cannot_change_or_delete_entries(chain):
    entry = chain[0]
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).delete()
    assert verify_chain().ok


def test_c3_fields_never_reach_the_trail():
    entry = record(actor=None, action="test.c3", changes={"cvv": "123", "pin": "123456", "note": "ok"})
    assert entry.changes == {"cvv": "[C3 removed]", "pin": "[C3 removed]", "note": "ok"}
