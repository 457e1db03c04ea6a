from django import forms
from django.contrib import admin

from kefu.org.admin import AuditedAdminMixin

from .models import Notification, NotificationTemplate
from .services import _check_template


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ("code", "channel", "subject", "body", "description", "active")

    def clean_body(self):
        body = self.cleaned_data["body"]
        _check_template(body)
        return body


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = TemplateForm
    list_display = ("code", "channel", "description", "active", "updated_at")
    list_filter = ("channel", "active")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to_masked", "template_code", "status", "attempts", "related_type",
                    "related_id")
    list_filter = ("channel", "status")
    exclude = ("to", "body")
    readonly_fields = [f.name for f in Notification._meta.fields if f.name not in ("to", "body")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
