from django.contrib import admin

from kefu.org.admin import AuditedAdminMixin

from .models import (
    AgentProfile,
    Queue,
    RetentionPolicy,
    RosterEntry,
    ShiftPattern,
    Skill,
    StateReason,
    WrapUpCode,
)


@admin.register(Skill)
class SkillAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Queue)
class QueueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "channel", "skill", "service_level_seconds", "service_level_target", "active")


@admin.register(AgentProfile)
class AgentProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("agent_no", "user", "team", "state", "max_concurrent_chats")
    list_filter = ("team", "state")
    filter_horizontal = ("skills",)
    readonly_fields = ("state", "state_reason", "state_since", "idle_since")


@admin.register(WrapUpCode)
class WrapUpCodeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "resolved", "active")


@admin.register(StateReason)
class StateReasonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "state", "productive")


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("category", "days")


@admin.register(ShiftPattern)
class ShiftPatternAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "start_time", "end_time", "break_minutes", "is_rest")


@admin.register(RosterEntry)
class RosterEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("day", "agent", "pattern", "note")
    list_filter = ("pattern", "day")
