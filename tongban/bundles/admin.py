from django.contrib import admin

from .models import BundleApplication, BundleCase


class BundleCaseInline(admin.TabularInline):
    model = BundleCase
    extra = 0
    readonly_fields = ("case", "order")


@admin.register(BundleApplication)
class BundleApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "bundle", "applicant_name", "status", "submitted_at")
    inlines = [BundleCaseInline]

    def has_change_permission(self, request, obj=None):
        return False
