"""The roles' platform permissions, and fetch-and-authorise helpers for organisations and users.

The primitives (`has_perm`, `require`, `grant`, `scope_q`, `requires`, …) live in
`tongban.core.permissions`; accounts owns the role names and grants the platform's own
permissions to them here. A staff member's scope is their organisation's subtree.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

# Re-exported for code written against the old home of the primitives; import them from core.
from tongban.core.permissions import ROLE_PERMISSIONS as ROLE_PERMISSIONS
from tongban.core.permissions import deny as deny
from tongban.core.permissions import grant, require, scope_q
from tongban.core.permissions import has_perm as has_perm
from tongban.core.permissions import in_scope as in_scope
from tongban.core.permissions import permissions_of as permissions_of
from tongban.core.permissions import requires as requires

from .models import Organisation, Role, User

grant(Role.ADMIN, "accounts.view_staff", "accounts.manage_users", "accounts.manage_organisations")
grant(Role.ADMIN, "core.view_audit", "accounts.manage_tokens")
grant(Role.SUPERVISOR, "accounts.view_staff", "core.view_audit")
grant(Role.ADMIN, "core.manage_calendar", "core.manage_events")
for _role in Role.values:
    grant(_role, "workspace.view_inbox", "core.view_calendar")


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

