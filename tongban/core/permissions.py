"""Permission primitives every module uses: roles map to permission names ("app.action").

Core knows no user model: a user is anything with `is_authenticated`, `is_active`,
`is_superuser`, `is_staff_member`, `role_set()` and an `organisation` with a materialised
`path`; role names are plain strings registered by accounts. Modules add their permissions to
roles with `grant()` (usually in their permissions.py). A staff member's scope is their
organisation's subtree.
"""

from __future__ import annotations

from collections import defaultdict
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *perms: str) -> None:
    ROLE_PERMISSIONS[role].update(perms)


def permissions_of(user) -> set[str]:
    if not user.is_active or not user.is_staff_member:
        return set()
    perms: set[str] = set()
    for role in user.role_set():
        perms |= ROLE_PERMISSIONS.get(role, set())
    return perms


def has_perm(user, perm: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return perm in permissions_of(user)


def deny(actor, perm: str, obj=None) -> PermissionDenied:
    """Record the denial in the audit trail and return the exception to raise."""
    # Imported here: permissions are imported by models and forms before the app registry is ready.
    from . import audit

    audit.record(
        "auth.permission_denied",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=obj,
        changes={"permission": perm},
    )
    return PermissionDenied("您没有执行此操作的权限。")


def require(actor, perm: str, obj=None) -> None:
    if not has_perm(actor, perm):
        raise deny(actor, perm, obj)


def requires(perm: str, *, staff_only: bool = True):
    """View decorator: the user is logged in (middleware), is staff and holds `perm`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if staff_only and not getattr(user, "is_staff_member", False):
                raise deny(user, perm)
            require(user, perm)
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator


# --- scope -----------------------------------------------------------------------------


def scope_q(actor, field: str = "organisation") -> Q:
    """A filter keeping rows whose `field` organisation lies in the actor's subtree."""
    if actor.is_superuser:
        return Q()
    if not actor.is_staff_member or actor.organisation_id is None:
        return Q(pk__in=[])
    root = actor.organisation
    return Q(**{f"{field}__path__startswith": root.path})


def in_scope(actor, organisation) -> bool:
    if actor.is_superuser:
        return True
    if organisation is None or not actor.is_staff_member or actor.organisation_id is None:
        return False
    return organisation.path.startswith(actor.organisation.path)


def require_applicant(request) -> None:
    """Pages for enterprises and citizens only (我的办件, 我的证照 …)."""
    from django.utils.translation import gettext as _

    if not getattr(request.user, "is_applicant", False):
        raise PermissionDenied(_("此页面供企业和个人用户使用。"))
