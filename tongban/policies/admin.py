from django.contrib import admin

from .models import FeeFactor, FeeRuleSet, FeeSchedule, PolicyTag


class FeeRuleSetInline(admin.TabularInline):
    model = FeeRuleSet
    extra = 0
    show_change_link = True


class FeeFactorInline(admin.TabularInline):
    model = FeeFactor
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    """Fee formulas are configuration: versioned rule sets per region are edited here."""

    list_display = ["code", "name", "organisation"]
    inlines = [FeeRuleSetInline]


@admin.register(FeeRuleSet)
class FeeRuleSetAdmin(admin.ModelAdmin):
    list_display = ["title", "region_code", "version", "valid_from", "valid_to"]
    list_filter = ["schedule", "region_code"]
    inlines = [FeeFactorInline]


@admin.register(PolicyTag)
class PolicyTagAdmin(admin.ModelAdmin):
    list_display = ["name", "bit"]
    readonly_fields = ["bit"]
