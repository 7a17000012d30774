from django.contrib import admin

from .models import Baseline, BaselineClause, BaselineItem


class ClauseInline(admin.TabularInline):
    model = BaselineClause
    extra = 0


@admin.register(BaselineItem)
class BaselineItemAdmin(admin.ModelAdmin):
    list_display = ("code", "violation", "baseline", "scheme")
    inlines = [ClauseInline]


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title", "organisation", "status")
