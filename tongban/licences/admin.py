from django.contrib import admin

from .models import Licence, LicenceType, LicenceTypeItem, SigningKey


class LicenceTypeItemInline(admin.TabularInline):
    model = LicenceTypeItem
    extra = 0


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organisation", "validity_months", "is_active")
    inlines = [LicenceTypeItemInline]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    # Read-only: a signed licence changes only through the services (revocation, publicity).
    list_display = ("number", "licence_type", "holder_name", "issuer", "issued_on", "valid_until", "status")
    list_filter = ("status", "licence_type")
    search_fields = ("number", "holder_name", "holder_code")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "key_id", "status", "created_at")
    exclude = ("wrapped_private",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
