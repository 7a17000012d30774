from django.contrib.auth.backends import ModelBackend

from tongban.core.permissions import has_perm, permissions_of


class RoleBackend(ModelBackend):
    """Password login plus role-derived permissions (no per-user permission tables)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return permissions_of(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        return has_perm(user_obj, perm)
