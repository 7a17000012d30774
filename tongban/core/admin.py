from django.contrib import admin

from .models import AuditEvent, Notification, SweepSchedule, WorkerHeartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("seq", "at", "actor_repr", "action", "object_type", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_repr", "object_repr", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.register(WorkerHeartbeat)
admin.site.register(SweepSchedule)
admin.site.site_header = "通办 平台管理"
admin.site.site_title = "通办"
