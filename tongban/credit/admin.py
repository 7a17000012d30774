"""Rule data that administrators keep: publicity regimes, scoring methods, lists. Records
themselves are evidence and change only through the services (read-only here)."""

from django.contrib import admin

from .models import CreditList, CreditRecord, PublicityRule, ScoringMethod, ScoringRule


@admin.register(PublicityRule)
class PublicityRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "basis", "effective_from", "minor_publish"]


class ScoringRuleInline(admin.TabularInline):
    model = ScoringRule
    extra = 1


@admin.register(ScoringMethod)
class ScoringMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "status", "base_score"]
    list_filter = ["status"]
    inlines = [ScoringRuleInline]


@admin.register(CreditList)
class CreditListAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name", "legal_basis", "is_active"]


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ["number", "subject_name", "record_type", "severity", "status", "decided_on"]
    list_filter = ["status", "severity", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
