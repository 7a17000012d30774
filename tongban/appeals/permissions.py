"""Who may act on appeals and knowledge-base articles, and the fetch-and-authorise helpers.

A member of staff acts for their agency (its departments and units included): they see the
appeals of their agency's subtree (supervision of the units below) but handle only those whose
responsible unit is their own agency. The requester sees their own appeals; an anonymous
requester reaches theirs with the number and the query code.

Identity protection: staff of the unit complained about (the respondent and anything below it)
never see the requester's name or contact details unless the requester allowed it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Organisation, Role
from tongban.core.masking import mask_phone
from tongban.core.permissions import deny, grant, has_perm

from .models import Appeal

VIEW_ROLES = [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN]
for _role in VIEW_ROLES:
    grant(_role, "appeals.view", "appeals.kb_view")
# appeals.refer: 移送执法, by the responsible unit's handlers (services.referral).
grant(Role.CLERK, "appeals.refer", "appeals.handle", "appeals.register", "appeals.callback", "appeals.merge",
      "appeals.import", "appeals.kb_edit")
grant(Role.REVIEWER, "appeals.handle", "appeals.refer")
grant(Role.APPROVER, "appeals.handle", "appeals.refer", "appeals.merge", "appeals.kb_edit", "appeals.kb_publish")
grant(Role.SUPERVISOR, "appeals.press", "appeals.supervise", "appeals.callback")
grant(Role.ADMIN, "appeals.configure", "appeals.kb_edit", "appeals.kb_publish", "appeals.import")

PROTECTED = "（身份已保护）"


def may_file(user) -> bool:
    """Anyone may file on the portal, anonymous included; staff file only by registering a walk-in
    or a call on a requester's behalf (the portal form sends them there)."""
    if getattr(user, "is_staff_member", False):
        return has_perm(user, "appeals.register")
    return True


def agency_of(actor) -> Organisation | None:
    if actor.organisation_id is None:
        return None
    cached = getattr(actor, "_agency_cache", None)
    if cached is None:
        cached = actor.organisation.agency()
        actor._agency_cache = cached
    return cached


def acts_for(actor, organisation: Organisation | None) -> bool:
    """The actor is staff of `organisation`'s agency (the agency or one of its departments)."""
    if organisation is None:
        return False
    if actor.is_superuser:
        return True
    if not getattr(actor, "is_staff_member", False):
        return False
    agency = agency_of(actor)
    return agency is not None and organisation.agency().pk == agency.pk


def scope_root(actor) -> Organisation | None:
    return agency_of(actor) if getattr(actor, "is_staff_member", False) else None


def staff_q(actor) -> Q:
    if actor.is_superuser:
        return Q()
    root = scope_root(actor)
    if root is None:
        return Q(pk__in=[])
    return (Q(organisation__path__startswith=root.path) | Q(pending_organisation__path__startswith=root.path)
            | Q(first_organisation__path__startswith=root.path))


def appeals_for(actor) -> QuerySet[Appeal]:
    """Every appeal the actor may read."""
    if not actor.is_authenticated:
        return Appeal.objects.none()
    if actor.is_superuser:
        return Appeal.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, "appeals.view"):
            return Appeal.objects.none()
        return Appeal.objects.filter(staff_q(actor))
    return Appeal.objects.filter(requester=actor)


def get_appeal_for(actor, pk: int, *, for_update: bool = False) -> Appeal:
    qs = appeals_for(actor).select_related(
        "organisation", "pending_organisation", "first_organisation", "first_receiver", "handler", "category",
        "item__current_version", "respondent", "requester", "related_case",
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appeal = qs.filter(pk=pk).first()
    if appeal is None:
        raise Http404("诉求不存在或不在您的管辖范围内。")
    return appeal


def get_appeal_by_code(number: str, code: str, *, for_update: bool = False) -> Appeal:
    """The anonymous requester's way in: the number and the query code given at submission."""
    qs = Appeal.objects.select_related("organisation", "category")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appeal = qs.filter(number=(number or "").strip(), query_code=(code or "").strip().upper()).first()
    if appeal is None:
        raise Http404("未找到诉求：请核对诉求编号和查询码。")
    return appeal


def require_handler(actor, appeal: Appeal, perm: str = "appeals.handle", organisation=None) -> None:
    """Staff of the responsible unit (or of `organisation`) holding `perm`."""
    if not (has_perm(actor, perm) and acts_for(actor, organisation or appeal.organisation)):
        raise deny(actor, perm, appeal)


def identity_hidden_from(actor, appeal: Appeal) -> bool:
    """True when the actor belongs to the unit complained about and the requester did not allow
    their identity to be shown to it."""
    if appeal.disclose_identity or appeal.respondent_id is None:
        return False
    if actor.is_superuser or not getattr(actor, "is_staff_member", False) or actor.organisation_id is None:
        return False
    return actor.organisation.is_within(appeal.respondent)


def requester_view(actor, appeal: Appeal, *, in_list: bool = False, reveal: bool = True) -> dict:
    """What this reader may see of the requester. Lists always mask the phone; the staff page
    masks it until the reader asks to see it (core.pii.reveal, audited), as case pages do."""
    if identity_hidden_from(actor, appeal):
        return {"name": PROTECTED, "phone": PROTECTED, "email": "", "hidden": True}
    if appeal.is_anonymous and not appeal.requester_name:
        name = "匿名"
    else:
        name = appeal.requester_name or (appeal.requester.display_name if appeal.requester_id else "")
    phone = appeal.requester_phone or (appeal.requester.phone if appeal.requester_id else "")
    return {
        "name": name,
        "phone": mask_phone(phone) if in_list or not reveal else phone,
        "masked": bool(phone) and (in_list or not reveal),
        "email": "" if in_list else appeal.requester_email,
        "hidden": False,
    }
