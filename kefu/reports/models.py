"""KPI rollups: counters per 30-minute interval, maintained as interactions finish.

Monthly reports sum these rows instead of scanning millions of interactions (see docs/kpis.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionRollup(models.Model):
    bucket_start = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=10)
    # 0 = none (no queue / not handled by an agent): portable unique keys without NULL semantics.
    queue_id = models.BigIntegerField(default=0)
    agent_id = models.BigIntegerField(default=0)
    team = models.CharField(max_length=40, blank=True)
    offered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    abandoned = models.IntegerField(default=0)
    short_abandoned = models.IntegerField(default=0)
    answered_within_sl = models.IntegerField(default=0)
    answered_within_rings = models.IntegerField(default=0)
    wait_seconds_answered = models.BigIntegerField(default=0)
    handled = models.IntegerField(default=0)
    talk_seconds = models.BigIntegerField(default=0)
    hold_seconds = models.BigIntegerField(default=0)
    acw_seconds = models.BigIntegerField(default=0)
    transfers = models.IntegerField(default=0)
    fcr_resolved = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    csat_count = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)
    nps_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("联络指标汇总")
        constraints = [models.UniqueConstraint(fields=["bucket_start", "channel", "queue_id", "agent_id"],
                                               name="reports_interaction_rollup_key")]

    def __str__(self) -> str:
        return f"{self.bucket_start:%Y-%m-%d %H:%M} {self.channel} q{self.queue_id} a{self.agent_id}"


class AgentTimeRollup(models.Model):
    """Seconds an agent spent in each state per day (occupancy, adherence)."""

    day = models.DateField(db_index=True)
    agent_id = models.BigIntegerField()
    team = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=20)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("座席时长汇总")
        constraints = [models.UniqueConstraint(fields=["day", "agent_id", "state"], name="reports_agent_time_key")]

    def __str__(self) -> str:
        return f"{self.day} a{self.agent_id} {self.state}"


class WorkOrderRollup(models.Model):
    """Daily work-order counters per kind, channel, category, severity and handling unit."""

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=20, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    unit_id = models.BigIntegerField(default=0)
    jrt_reason = models.CharField(max_length=20, blank=True)
    created = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    callbacks_required = models.IntegerField(default=0)
    callbacks_done = models.IntegerField(default=0)
    satisfaction_sum = models.IntegerField(default=0)
    satisfaction_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("工单指标汇总")
        constraints = [models.UniqueConstraint(
            fields=["day", "kind", "channel", "category", "severity", "unit_id", "jrt_reason"],
            name="reports_workorder_rollup_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"
