"""Who may do what with policies and profiles.

Every staff role reads policies and profiles in its area; administrators write policies and
rules, import profiles and run matching; approvers grant. A staff member's area is their
organisation's administrative division: a province sees 41xxxx, a city 4101xx, a county its own
code. Enterprise users see their own profile and matches only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.permissions import grant, require, scope_q

from .models import EnterpriseProfile, Policy, PolicyMatch

VIEW = "policies.view"
MANAGE = "policies.manage"
GRANT = "policies.grant"

for _role in Role.values:
    grant(_role, VIEW)
grant(Role.ADMIN, MANAGE, GRANT)
grant(Role.APPROVER, GRANT)


def is_enterprise_user(user) -> bool:
    """My policies and claims belong to an enterprise: policies match its profile, and a citizen
    has none."""
    return bool(getattr(user, "enterprise_id", None))


def division_prefix(division: str) -> str:
    """410000 → "41", 410100 → "4101", 410102 → "410102"."""
    if division.endswith("0000"):
        return division[:2]
    if division.endswith("00"):
        return division[:4]
    return division


def region_q(actor, field: str = "region_code") -> Q:
    if actor.is_superuser:
        return Q()
    if not actor.is_staff_member or actor.organisation_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__startswith": division_prefix(actor.organisation.division_code)})


def profiles_for(actor) -> QuerySet[EnterpriseProfile]:
    if not actor.is_authenticated:
        return EnterpriseProfile.objects.none()
    if actor.is_staff_member or actor.is_superuser:
        require(actor, VIEW)
        return EnterpriseProfile.objects.filter(region_q(actor))
    if actor.enterprise_id:
        return EnterpriseProfile.objects.filter(enterprise_id=actor.enterprise_id)
    return EnterpriseProfile.objects.none()


def get_profile_for(actor, pk: int, *, for_write: bool = False) -> EnterpriseProfile:
    if for_write:
        require(actor, MANAGE)
    profile = profiles_for(actor).select_related("enterprise").filter(pk=pk).first()
    if profile is None:
        raise Http404("企业画像不存在或不在您的管辖范围内。")
    return profile


def policies_for(actor) -> QuerySet[Policy]:
    """Staff: policies issued in their subtree plus every published policy (all apply to them)."""
    require(actor, VIEW)
    return Policy.objects.filter(scope_q(actor) | Q(status=Policy.Status.PUBLISHED))


def get_policy_for(actor, pk: int, *, for_write: bool = False) -> Policy:
    qs = Policy.objects.filter(scope_q(actor)) if for_write else policies_for(actor)
    if for_write:
        require(actor, MANAGE)
    policy = qs.select_related("organisation").filter(pk=pk).first()
    if policy is None:
        raise Http404("政策不存在或不在您的管辖范围内。")
    return policy


def get_match_for(actor, pk: int) -> PolicyMatch:
    """An enterprise user's own match, or one a staff member may grant (policy in their subtree)."""
    qs = PolicyMatch.objects.select_related("policy__organisation", "enterprise")
    if actor.is_staff_member or actor.is_superuser:
        require(actor, GRANT)
        qs = qs.filter(scope_q(actor, "policy__organisation"))
    elif actor.enterprise_id:
        qs = qs.filter(enterprise_id=actor.enterprise_id, policy__status=Policy.Status.PUBLISHED)
    else:
        qs = qs.none()
    match = qs.filter(pk=pk).first()
    if match is None:
        raise Http404("匹配记录不存在或不在您的管辖范围内。")
    return match
