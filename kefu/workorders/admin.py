"""Admin for the editable data tables of work orders: the JR/T 0169 classification, routing rules and
webhook subscriptions. Every save and delete is audited (the tables change how cases are classified,
routed and reported)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from kefu.audit.services import record

from .models import Classification, RoutingRule, WebhookDelivery, WebhookSubscription


class AuditedAdmin(admin.ModelAdmin):
    audit_exclude: tuple[str, ...] = ()

    def _values(self, obj) -> dict:
        return {k: v for k, v in model_to_dict(obj).items() if k not in self.audit_exclude}

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = self._values(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
            super().save_model(request, obj, form, change)
            after = self._values(obj)
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            record(actor=request.user, action=f"workorders.{obj._meta.model_name}_{'changed' if change else 'added'}",
                   obj=obj, changes=changes)

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(actor=request.user, action=f"workorders.{obj._meta.model_name}_deleted", obj=obj,
                   changes=self._values(obj))
            super().delete_model(request, obj)


@admin.register(Classification)
class ClassificationAdmin(AuditedAdmin):
    list_display = ("dimension", "code", "name", "level", "parent", "active")
    list_filter = ("dimension", "level", "active")
    search_fields = ("code", "name")
    list_editable = ("name", "active")
    ordering = ("dimension", "code")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("priority", "kind", "category", "business_line", "home_unit", "target_unit", "active",
                    "description")
    list_filter = ("active", "kind", "business_line")
    ordering = ("priority",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdmin):
    list_display = ("name", "url", "actions", "active", "created_at")
    audit_exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_id", "subscription", "status", "attempts", "response_code", "last_error", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
