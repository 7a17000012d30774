"""Read-only admin views: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from .models import Bundle, ItemVersion, ServiceItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["implementation_code", "base_code", "organisation", "is_standard", "is_active"]
    search_fields = ["implementation_code", "base_code", "current_version__name"]
    list_select_related = ["organisation", "current_version"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["name", "item", "number", "status", "published_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "item__implementation_code"]
    list_select_related = ["item__organisation"]


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "organisation", "is_published"]
