from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, EnforcementCertificate, Enterprise, Organisation, StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "real_name", "kind", "organisation", "is_active")
    list_filter = ("kind", "is_active", "roles__role")
    search_fields = ("username", "real_name", "phone")
    list_select_related = ("organisation",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("通办"),
            {"fields": ("kind", "real_name", "phone", "citizen_id", "organisation", "enterprise")},
        ),
    )
    inlines = [StaffRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "division_code", "code", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("name", "code", "division_code")
    readonly_fields = ("path", "depth")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "division_code")
    search_fields = ("name", "uscc")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")


@admin.register(EnforcementCertificate)
class EnforcementCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "issuing_authority", "valid_from", "valid_until", "revoked_at")
    search_fields = ("number", "user__username", "user__real_name")
