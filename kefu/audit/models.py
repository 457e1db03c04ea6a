from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AuditKind


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()``/``delete()`` are refused too (only the retention job prunes, explicitly)."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One append-only, hash-chained audit record.

    ``entry_hash`` = SHA-256 over the previous entry's hash and this entry's canonical content, so an edit,
    a deletion or a reordering anywhere breaks the chain from that point (see ``verify.verify_chain``).
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=AuditKind.choices, default=AuditKind.WRITE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              db_constraint=False, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not kwargs.get("force_insert", False):
            raise AppendOnlyError("audit entries are written only by kefu.audit.services.record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """Single row holding the chain's tip: locking it serialises appends, and it reveals a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"


class AuditCheckpoint(models.Model):
    """Where the chain starts after retention pruning: verification starts from here."""

    created_at = models.DateTimeField(auto_now_add=True)
    first_seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    pruned_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计保留检查点")
        ordering = ["-first_seq"]

    def __str__(self) -> str:
        return f"checkpoint from #{self.first_seq}"
