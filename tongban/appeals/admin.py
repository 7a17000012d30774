from django.contrib import admin

from .models import Appeal, Article, Category, HandlingLimit, RoutingRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "default_kind", "order", "is_active"]


@admin.register(HandlingLimit)
class HandlingLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "days", "reopen_days"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "priority", "kinds", "division_prefix", "category", "organisation", "is_active"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    # Read-only: every change goes through the services, which audit it.
    list_display = ["number", "kind", "channel", "status", "organisation", "due_on", "warning"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["number", "title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["question", "kind", "state", "organisation", "valid_from", "valid_to"]
    list_filter = ["kind", "state"]
    search_fields = ["question"]

    def has_change_permission(self, request, obj=None):
        return False  # edited in the workspace, which re-segments and audits

    def has_add_permission(self, request):
        return False
