from django.contrib import admin

from kefu.org.admin import AuditedAdminMixin

from .models import (
    CoachingRecord,
    KeywordRule,
    SamplingPlan,
    Scorecard,
    ScorecardItem,
    ScorecardSection,
    TrainingRecord,
    TrainingSession,
)


class SectionInline(admin.TabularInline):
    model = ScorecardSection
    extra = 0


class ItemInline(admin.TabularInline):
    model = ScorecardItem
    extra = 0


@admin.register(Scorecard)
class ScorecardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "version", "name", "channel", "passing_score", "active")
    inlines = [SectionInline]


@admin.register(ScorecardSection)
class ScorecardSectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("scorecard", "name", "weight", "order")
    inlines = [ItemInline]


@admin.register(SamplingPlan)
class SamplingPlanAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "scorecard", "rate_percent", "active")


@admin.register(KeywordRule)
class KeywordRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "words", "trigger", "active")


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "starts_at", "ends_at", "trainer", "has_exam", "pass_score")
    inlines = [TrainingRecordInline]


@admin.register(CoachingRecord)
class CoachingRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("agent", "topic", "coach", "held_on", "follow_up_on")
