"""Who may do what, and fetch-and-authorise helpers.

Roles map to permission names ("app.action"). Modules add their own with `grant()`. A staff
member's scope is their organisation's subtree; every helper here checks it.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Organisation, Role, User

ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *perms: str) -> None:
    ROLE_PERMISSIONS[role].update(perms)


grant(Role.ADMIN, "accounts.view_staff", "accounts.manage_users", "accounts.manage_organisations")
grant(Role.ADMIN, "core.view_audit", "accounts.manage_tokens")
grant(Role.SUPERVISOR, "accounts.view_staff", "core.view_audit")
grant(Role.ADMIN, "core.manage_calendar", "core.manage_events")
for _role in Role.values:
    grant(_role, "workspace.view_inbox", "core.view_calendar")


def permissions_of(user: User) -> set[str]:
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
    from tongban.core import audit

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


# --- scope -----------------------------------------------------------------------------


def scope_q(actor, field: str = "organisation") -> Q:
    """A filter keeping rows whose `field` organisation lies in the actor's subtree."""
    if actor.is_superuser:
        return Q()
    if not actor.is_staff_member or actor.organisation_id is None:
        return Q(pk__in=[])
    root = actor.organisation
    return Q(**{f"{field}__path__startswith": root.path})


def in_scope(actor, organisation: Organisation | None) -> bool:
    if actor.is_superuser:
        return True
    if organisation is None or not actor.is_staff_member or actor.organisation_id is None:
        return False
    return organisation.path.startswith(actor.organisation.path)


def organisations_in_scope(actor) -> QuerySet[Organisation]:
    if actor.is_superuser:
        return Organisation.objects.all()
    if not actor.is_staff_member or actor.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=actor.organisation.path)


def get_organisation_for(actor, pk: int, *, for_write: bool = False) -> Organisation:
    """Fetch an organisation the actor may see (404 outside scope, so ids don't leak)."""
    perm = "accounts.manage_organisations" if for_write else "accounts.view_staff"
    require(actor, perm)
    org = organisations_in_scope(actor).filter(pk=pk).first()
    if org is None:
        raise Http404("机构不存在或不在您的管辖范围内。")
    return org


def get_user_for(actor, pk: int, *, for_write: bool = False) -> User:
    perm = "accounts.manage_users" if for_write else "accounts.view_staff"
    require(actor, perm)
    user = (
        User.objects.select_related("organisation__parent")
        .filter(scope_q(actor), pk=pk, kind__in=[User.Kind.STAFF, User.Kind.INTEGRATION])
        .first()
    )
    if user is None:
        raise Http404("用户不存在或不在您的管辖范围内。")
    return user


def requires(perm: str, *, staff_only: bool = True):
    """View decorator: the user is logged in (middleware), is staff and holds `perm`."""
    from functools import wraps

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


def require_applicant(request) -> None:
    """Pages for enterprises and citizens only (我的办件, 我的证照 …)."""
    from django.utils.translation import gettext as _

    if not getattr(request.user, "is_applicant", False):
        raise PermissionDenied(_("此页面供企业和个人用户使用。"))
