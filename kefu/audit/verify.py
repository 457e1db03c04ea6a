"""Verification of the audit chain: recompute every hash in order and compare with the stored ones."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditChainHead, AuditCheckpoint, AuditEntry
from .services import compute_hash, entry_values


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    checkpoint = AuditCheckpoint.objects.order_by("-first_seq").first()
    expected_seq = checkpoint.first_seq if checkpoint else 1
    prev_hash = checkpoint.prev_hash if checkpoint else "0" * 64
    checked = 0
    last_seen = expected_seq - 1
    qs = AuditEntry.objects.order_by("id")
    for entry in qs.iterator(chunk_size=batch_size):
        if entry.seq < expected_seq and checkpoint:
            return ChainReport(False, checked, entry.seq, entry.pk, "entry before the retention checkpoint")
        if entry.seq != expected_seq:
            problem = "missing or reordered entry" if entry.seq > expected_seq else "reordered or duplicated entry"
            return ChainReport(False, checked, expected_seq, entry.pk, f"{problem}: expected seq {expected_seq}, "
                               f"found {entry.seq}")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.seq, entry.pk, "previous-hash link broken")
        if compute_hash(prev_hash, entry_values(entry)) != entry.entry_hash:
            return ChainReport(False, checked, entry.seq, entry.pk, "content does not match its hash")
        prev_hash = entry.entry_hash
        last_seen = entry.seq
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != last_seen or head.last_hash != prev_hash):
        return ChainReport(False, checked, last_seen + 1, None,
                           f"chain head says seq {head.last_seq}, last stored entry is {last_seen}: "
                           "entries were deleted from the end")
    return ChainReport(True, checked)
