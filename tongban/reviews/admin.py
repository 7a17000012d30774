from django.contrib import admin

from .models import Rating, Window


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["organisation", "number", "name", "is_active"]
    list_filter = ["is_active"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    # Read-only: ratings are evidence; changes go through rectification and appeal.
    list_display = ["target", "level", "organisation", "state", "rated_on"]
    list_filter = ["target", "level", "state"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
