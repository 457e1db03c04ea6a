"""Admin for the sandbox core's reference data (rates, fees, limits); every change is audited.

Ledger tables (customers, accounts, cards, journals) are deliberately not here: money moves only
through ``transfers``/``ledger`` and card numbers are not listed in a generic admin.
"""

from django.contrib import admin
from django.db import transaction

from kefu.audit.services import field_changes, record, snapshot

from .models import DepositRate, FeeScheduleItem, TransferLimitRule


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        fields = [f.attname for f in obj._meta.concrete_fields if not f.primary_key]
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
            super().save_model(request, obj, form, change)
            changes = field_changes(obj, before, fields) if change else snapshot(obj, fields)
            record(actor=request.user, action=f"corebank.{obj._meta.model_name}.{'change' if change else 'create'}",
                   obj=obj, changes={k: [str(v[0]), str(v[1])] if isinstance(v, list) else str(v)
                                     for k, v in changes.items()})

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(actor=request.user, action=f"corebank.{obj._meta.model_name}.delete", obj=obj)
            super().delete_model(request, obj)


@admin.register(DepositRate)
class DepositRateAdmin(AuditedAdmin):
    list_display = ("product", "term", "rate_percent", "effective_from", "sort_order")
    list_filter = ("product", "effective_from")


@admin.register(FeeScheduleItem)
class FeeScheduleItemAdmin(AuditedAdmin):
    list_display = ("code", "name", "amount_text", "sort_order")
    search_fields = ("code", "name")


@admin.register(TransferLimitRule)
class TransferLimitRuleAdmin(AuditedAdmin):
    list_display = ("channel", "cif_no", "per_transaction_fen", "daily_fen", "daily_count")
    list_filter = ("channel",)
