"""Admin for system maintainers: edit a draft flow's nodes, check it, publish it (no restart), copy a
published version to a new draft. Published and retired versions are read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kefu.common.errors import KefuError

from .choices import FlowStatus
from .flows.store import copy_as_draft, flow_problems, publish_flow
from .models import (
    AlertSubscription,
    CallbackRequest,
    CallFlow,
    CatalogEntry,
    FlowNode,
    IvrCall,
    PhoneBankingCredential,
)
from .permissions import P


def _can(request, code: str) -> bool:
    user = request.user
    return bool(user.is_superuser or (hasattr(user, "has_kefu_perm") and user.has_kefu_perm(code)))


class FlowNodeInline(admin.TabularInline):
    model = FlowNode
    extra = 0
    fields = ("key", "kind", "function", "prompt", "options", "next_key", "params", "requires_auth", "timeout_ms",
              "max_digits", "barge_in")

    def has_change_permission(self, request, obj=None):
        return _can(request, P.FLOW_MANAGE) and (obj is None or obj.status == FlowStatus.DRAFT)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(CallFlow)
class CallFlowAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "status", "published_at", "published_by")
    list_filter = ("code", "status")
    readonly_fields = ("status", "published_at", "published_by", "created_at", "created_by", "problems")
    fields = ("code", "version", "name", "entry_key", "max_retries", "default_queue", "note", "status",
              "published_at", "published_by", "created_at", "created_by", "problems")
    inlines = [FlowNodeInline]
    actions = ["publish", "copy_draft"]

    @admin.display(description=_("校验结果"))
    def problems(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        found = flow_problems(obj)
        return "；".join(found) if found else _("校验通过，可以发布")

    def has_module_permission(self, request):
        return _can(request, P.FLOW_MANAGE) or _can(request, P.CALL_VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return _can(request, P.FLOW_MANAGE) and (obj is None or obj.status == FlowStatus.DRAFT)

    def has_add_permission(self, request):
        return _can(request, P.FLOW_MANAGE)

    def has_delete_permission(self, request, obj=None):
        return _can(request, P.FLOW_MANAGE) and obj is not None and obj.status == FlowStatus.DRAFT

    def save_model(self, request, obj, form, change):
        from kefu.audit.services import record

        if not change and not obj.version:
            last = CallFlow.objects.filter(code=obj.code).order_by("-version").first()
            obj.version = (last.version if last else 0) + 1
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        record(actor=request.user, action="ivr.flow_edited" if change else "ivr.flow_created", obj=obj,
               changes={f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data})

    def save_formset(self, request, form, formset, change):
        from kefu.audit.services import record

        super().save_formset(request, form, formset, change)
        changed = [str(f.instance.key) for f in formset.forms if f.has_changed()]
        if changed:
            record(actor=request.user, action="ivr.flow_nodes_edited", obj=form.instance, changes={"nodes": changed})

    @admin.action(description=_("校验并发布所选草稿（立即生效，无需重启）"))
    def publish(self, request, queryset):
        if not _can(request, P.FLOW_MANAGE):
            return
        for flow in queryset:
            try:
                publish_flow(flow=flow, actor=request.user)
                self.message_user(request, _("已发布 %s") % flow, messages.SUCCESS)
            except KefuError as exc:
                self.message_user(request, f"{flow}: {exc.message}", messages.ERROR)

    @admin.action(description=_("复制为新草稿版本"))
    def copy_draft(self, request, queryset):
        if not _can(request, P.FLOW_MANAGE):
            return
        for flow in queryset:
            draft = copy_as_draft(flow=flow, actor=request.user, note=_("由 v%d 复制") % flow.version)
            self.message_user(request, _("已创建草稿 %s") % draft, messages.SUCCESS)


@admin.register(IvrCall)
class IvrCallAdmin(admin.ModelAdmin):
    list_display = ("started_at", "channel", "caller_masked", "called", "verified", "last_intent", "disposition",
                    "transferred_queue", "survey_score")
    list_filter = ("channel", "disposition", "verified")
    fields = ("call_id", "channel", "external_id", "flow", "caller_masked", "called", "started_at", "ended_at",
              "status", "disposition", "verified", "cif_no", "path", "outcomes", "last_intent", "transferred_queue",
              "handoff", "survey_score", "recording_file")
    readonly_fields = fields

    def has_module_permission(self, request):
        return _can(request, P.CALL_VIEW)

    has_view_permission = lambda self, request, obj=None: _can(request, P.CALL_VIEW)  # noqa: E731

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PhoneBankingCredential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("cif_no", "failed_attempts", "locked_at", "locked_reason", "pin_set_at")
    list_filter = (("locked_at", admin.EmptyFieldListFilter),)
    search_fields = ("cif_no",)
    fields = ("cif_no", "failed_attempts", "locked_at", "locked_reason", "pin_set_at")
    readonly_fields = fields
    actions = ["unlock"]

    def has_module_permission(self, request):
        return _can(request, P.CREDENTIAL_MANAGE)

    has_view_permission = lambda self, request, obj=None: _can(request, P.CREDENTIAL_MANAGE)  # noqa: E731

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("解除电话银行锁定（已核实客户身份）"))
    def unlock(self, request, queryset):
        from .pins import unlock_phone_channel

        for cred in queryset:
            unlock_phone_channel(cif_no=cred.cif_no, actor=request.user, reason="管理后台解锁：已核实客户身份")
        self.message_user(request, _("已解锁"), messages.SUCCESS)


@admin.register(CallbackRequest)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "phone_masked", "queue", "waiting_when_requested", "status", "handled_at")
    list_filter = ("status", "queue")
    fields = ("call", "cif_no", "phone_masked", "queue", "waiting_when_requested", "requested_at", "status",
              "handled_at", "handled_by")
    readonly_fields = ("call", "cif_no", "phone_masked", "queue", "waiting_when_requested", "requested_at")

    def has_module_permission(self, request):
        return _can(request, P.CALL_VIEW)

    has_view_permission = lambda self, request, obj=None: _can(request, P.CALL_VIEW)  # noqa: E731

    def has_add_permission(self, request):
        return False


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("account_masked", "cif_no", "mobile_masked", "threshold_fen", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("cif_no",)
    fields = ("cif_no", "account_masked", "mobile_masked", "threshold_fen", "active")
    readonly_fields = ("cif_no", "account_masked", "mobile_masked")

    def has_module_permission(self, request):
        return _can(request, P.ALERTS_MANAGE)

    has_view_permission = lambda self, request, obj=None: _can(request, P.ALERTS_MANAGE)  # noqa: E731

    def has_add_permission(self, request):
        return False


@admin.register(CatalogEntry)
class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = ("topic", "order", "title", "active")
    list_filter = ("topic", "active")

    def has_module_permission(self, request):
        return _can(request, P.FLOW_MANAGE)

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: _can(request, P.FLOW_MANAGE))  # noqa: E731
