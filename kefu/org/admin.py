from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.audit.services import record

from .models import ApiToken, Role, Unit, User
from .permissions import REGISTRY, load_app_permissions


class AuditedAdminMixin:
    """Every admin save and delete writes an audit entry (the admin is a UI like any other)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        names = form.changed_data if change else form.fields
        # Never put a password (password1/password2 of the add form, the hash) into the trail.
        changed = {f: str(form.cleaned_data.get(f)) for f in names if "password" not in f}
        record(actor=request.user, action=f"admin.{'changed' if change else 'created'}", obj=obj, changes=changed)

    def delete_model(self, request, obj):
        record(actor=request.user, action="admin.deleted", obj=obj)
        super().delete_model(request, obj)


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_service_management", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    readonly_fields = ("path",)


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(label=_("权限"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Role
        fields = ("code", "name", "permissions", "customized")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        load_app_permissions()
        self.fields["permissions"].choices = [(p.code, f"{p.label}（{p.code}）") for p in REGISTRY.values()]


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = RoleForm
    list_display = ("code", "name", "customized")

    def save_model(self, request, obj, form, change):
        obj.customized = True
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "display_name", "unit", "employee_no", "is_active")
    list_filter = ("unit", "roles", "is_active")
    search_fields = ("username", "display_name", "employee_no")
    fieldsets = BaseUserAdmin.fieldsets + ((_("kefu"), {"fields": ("display_name", "employee_no", "unit", "roles")}),)
    filter_horizontal = ("roles", "groups", "user_permissions")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "expires_at", "revoked_at",
                       "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # raw tokens are shown once: issue them with `manage.py issue_token` or the API

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor=request.user, action="org.token_revoked", obj=token)
