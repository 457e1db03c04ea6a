"""Admin for system maintainers (Chinese UI); every save goes through the audited services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kefu.common.errors import KefuError

from . import services
from .choices import DaySource
from .models import CalendarDay, CalendarYear, DeadlineClock, DeadlinePolicy, DeadlineRecomputation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "year", "source", "updated_at")
    list_filter = ("year", "kind", "source")
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "kind", "name", "note")

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            services.remove_calendar_day(day=form.initial["date"], actor=request.user, reason=_("后台修改日期"))
        try:
            saved = services.set_calendar_day(day=obj.date, kind=obj.kind, name=obj.name, note=obj.note,
                                              actor=request.user, reason=str(_("管理后台编辑")),
                                              source=DaySource.ADMIN)
        except KefuError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_calendar_day(day=obj.date, actor=request.user, reason=str(_("管理后台删除")))

    def delete_queryset(self, request, queryset):
        for day in list(queryset.values_list("date", flat=True)):
            services.remove_calendar_day(day=day, actor=request.user, reason=str(_("管理后台批量删除")))


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "source", "published_at", "published_by")
    readonly_fields = ("status", "published_at", "published_by")
    fields = ("year", "status", "source", "published_at", "published_by")
    actions = ["publish_selected"]

    @admin.action(description=_("确认完整并发布所选年度"))
    def publish_selected(self, request, queryset):
        for year in queryset.values_list("year", flat=True):
            try:
                services.publish_year(year=year, actor=request.user)
            except KefuError as exc:
                messages.error(request, f"{year}: {exc.message}")
            else:
                messages.success(request, _("%(year)s 年已发布") % {"year": year})

    def save_model(self, request, obj, form, change):
        from kefu.audit.services import record

        super().save_model(request, obj, form, change)
        record(actor=request.user, action="calendar.year_saved", obj=obj,
               changes={f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """A policy in use is never edited: adding a row with an existing code creates its next version."""

    list_display = ("code", "version", "name", "amount", "unit", "effective_from")
    list_filter = ("unit",)
    search_fields = ("code", "name")
    fields = ("code", "name", "unit", "amount", "effective_from", "basis")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def save_model(self, request, obj, form, change):
        policy = services.create_policy_version(code=obj.code, name=obj.name, unit=obj.unit, amount=obj.amount,
                                                effective_from=obj.effective_from, basis=obj.basis,
                                                actor=request.user)
        obj.pk, obj.version = policy.pk, policy.version

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineClock)
class DeadlineClockAdmin(ReadOnlyAdmin):
    list_display = ("subject_label", "purpose", "policy", "started_at", "deadline", "provisional", "status")
    list_filter = ("status", "purpose", "provisional")
    search_fields = ("subject_label", "object_id")


@admin.register(DeadlineRecomputation)
class DeadlineRecomputationAdmin(ReadOnlyAdmin):
    list_display = ("clock", "old_deadline", "new_deadline", "new_provisional", "created_at", "reviewed_at")
