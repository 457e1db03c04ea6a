from django.contrib import admin

from .models import TriageFeedback, TriageRecord


class _ReadOnly(admin.ModelAdmin):
    """Read-only: writes go through the audited services, never through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TriageFeedback)
class TriageFeedbackAdmin(_ReadOnly):
    list_display = ("created_at", "source", "kind", "intent", "category", "severity", "business",
                    "used_for_training")
    list_filter = ("source", "kind", "intent", "used_for_training")
    search_fields = ("text",)


@admin.register(TriageRecord)
class TriageRecordAdmin(_ReadOnly):
    list_display = ("created_at", "source", "kind", "intent", "severity", "business")
    list_filter = ("source", "kind", "intent")
