from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kefu.audit.models import AuditCheckpoint, AuditEntry
from kefu.audit.services import record
from kefu.audit.tasks import PERIODIC_TASKS, prune_audit_task
from kefu.audit.verify import verify_chain
from kefu.ops.scheduler import enqueue_due, task_name

pytestmark = pytest.mark.django_db


def test_prune_keeps_recent_entries_and_a_verifiable_chain(settings, capsys):
    settings.KEFU_AUDIT_RETENTION_DAYS = 30
    start = timezone.now() - timedelta(days=100)
    with time_machine.travel(start, tick=False):
        for i in range(3):
            record(actor=None, action=f"old.{i}")
    for i in range(2):
        record(actor=None, action=f"new.{i}")
    call_command("prune_audit")
    assert "pruned 3 entries" in capsys.readouterr().out
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["new.0", "new.1", "audit.pruned"]
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.first_seq == 4 and checkpoint.pruned_count == 3
    assert verify_chain().ok
    # Nothing is old any more: a second run prunes nothing and the chain stays intact.
    call_command("prune_audit")
    assert "pruned 0 entries" in capsys.readouterr().out
    assert verify_chain().ok


def test_deleting_a_row_after_a_checkpoint_is_still_detected(settings):
    from django.db import connection

    settings.KEFU_AUDIT_RETENTION_DAYS = 1
    with time_machine.travel(timezone.now() - timedelta(days=5), tick=False):
        record(actor=None, action="old")
    for i in range(3):
        record(actor=None, action=f"new.{i}")
    call_command("prune_audit")
    first = AuditEntry.objects.order_by("seq").first()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [first.pk])  # noqa: S608
    report = verify_chain()
    assert not report.ok and report.broken_seq == first.seq


def test_prune_is_a_periodic_task():
    assert (24 * 3600, prune_audit_task) in PERIODIC_TASKS
    enqueued = enqueue_due()
    assert task_name(prune_audit_task) in enqueued
    # Claimed for a day: the next scheduler tick does not enqueue it again.
    assert task_name(prune_audit_task) not in enqueue_due()
