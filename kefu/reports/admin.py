from django.contrib import admin

from kefu.org.admin import AuditedAdminMixin

from .models import ReportSchedule


@admin.register(ReportSchedule)
class ReportScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "file_format", "active", "last_period_sent")
