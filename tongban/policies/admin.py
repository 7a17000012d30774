from django.contrib import admin

from .models import FeeRate, FeeSchedule, PolicyTag, ShelterRule


class FeeRateInline(admin.TabularInline):
    model = FeeRate
    extra = 0


class ShelterRuleInline(admin.TabularInline):
    model = ShelterRule
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    """Fee formulas are configuration: rates and shelter-area rules are edited here."""

    list_display = ["code", "name", "organisation"]
    inlines = [FeeRateInline, ShelterRuleInline]


@admin.register(PolicyTag)
class PolicyTagAdmin(admin.ModelAdmin):
    list_display = ["name", "bit"]
    readonly_fields = ["bit"]
