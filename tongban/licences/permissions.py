"""Who may see and act on licences.

Staff see licences issued by organisations in their subtree; holders see licences issued to
their enterprise (or, for citizens, to their ID number). Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import grant, has_perm

from .models import Licence

VIEW = "licences.view"
REVOKE = "licences.revoke"
ISSUE = "licences.issue"
MANAGE_TYPES = "licences.manage_types"

for _role in (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN):
    grant(_role, VIEW)
grant(Role.APPROVER, REVOKE, ISSUE)
grant(Role.ADMIN, REVOKE, ISSUE, MANAGE_TYPES)


def holder_q(actor) -> Q:
    """Licences held by the applicant: the enterprise's, or the citizen's by ID number."""
    if getattr(actor, "enterprise_id", None):
        return Q(holder_enterprise_id=actor.enterprise_id)
    if getattr(actor, "citizen_id", ""):
        return Q(holder_code=actor.citizen_id, holder_enterprise__isnull=True)
    return Q(holder=actor)


def licences_for(actor) -> QuerySet[Licence]:
    if not actor.is_authenticated:
        return Licence.objects.none()
    if actor.is_superuser:
        return Licence.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, VIEW):
            return Licence.objects.none()
        return Licence.objects.filter(issuer_id__in=list(organisations_in_scope(actor).values_list("id", flat=True)))
    return Licence.objects.filter(holder_q(actor))


def get_licence_for(actor, pk: int, *, for_update: bool = False) -> Licence:
    qs = licences_for(actor).select_related("licence_type", "issuer", "key", "case", "revoked_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    licence = qs.filter(pk=pk).first()
    if licence is None:
        raise Http404("证照不存在或不在您的管辖范围内。")
    return licence


def is_holder(actor, licence: Licence) -> bool:
    return bool(getattr(actor, "is_applicant", False)) and Licence.objects.filter(holder_q(actor), pk=licence.pk).exists()
