from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: no UI can change or delete audit entries."""

    list_display = ("seq", "created_at", "kind", "actor_label", "action", "object_type", "object_id")
    list_filter = ("kind", "action")
    search_fields = ("action", "object_type", "object_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
