"""Who may act on enforcement cases, and the fetch-and-authorise helper.

Staff see the cases of their organisation's subtree; a party (the enterprise's users, or the
citizen) sees its own cases, and only once they are registered. Anything else is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import grant, has_perm, require

from .models import Baseline, EnforcementCase, Status

for _role in (Role.INSPECTOR, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN):
    grant(_role, "enforcement.view")
# 执法人员: investigate, propose, notify, deliver, execute, publish
grant(Role.INSPECTOR, "enforcement.investigate", "enforcement.publish")
# 负责人: approve registration and extensions, decide, collective decision, revoke
grant(Role.APPROVER, "enforcement.approve", "enforcement.decide", "enforcement.revoke", "enforcement.rereview",
      "enforcement.publish")
# 法制审核人员: §58 review and the internal re-review
grant(Role.LEGAL_REVIEWER, "enforcement.legal_review", "enforcement.rereview")
# The legal office keeps the discretion baselines (services.baselines): draft, edit, publish.
grant(Role.LEGAL_REVIEWER, "enforcement.baseline_manage")
grant(Role.SUPERVISOR, "enforcement.press")
# 从诉求立案: officers read the complaints and reports of their agency to open a case from one
grant(Role.INSPECTOR, "appeals.view")
# 从诉求立案 is appeals' referral (appeal_refer_to_enforcement): an officer of the agency that
# holds the complaint may refer it from the enforcement side.
grant(Role.INSPECTOR, "appeals.refer")

# action -> permission a staff actor needs (party actions are checked by ownership)
ACTION_PERMS = {
    "create": "enforcement.investigate",
    "register": "enforcement.approve",
    "refuse_registration": "enforcement.approve",
    "record": "enforcement.investigate",
    "propose": "enforcement.investigate",
    "prior_notice": "enforcement.investigate",
    "deliver_notice": "enforcement.investigate",
    "statement": "enforcement.investigate",
    "hearing_request": "enforcement.investigate",
    "hearing_schedule": "enforcement.investigate",
    "hearing_hold": "enforcement.investigate",
    "legal_review": "enforcement.legal_review",
    "collective": "enforcement.approve",
    "extend": "enforcement.approve",
    "decide": "enforcement.decide",
    "deliver": "enforcement.investigate",
    "execute": "enforcement.investigate",
    "close": "enforcement.investigate",
    "publish": "enforcement.publish",
    "revoke": "enforcement.revoke",
    "rereview": "enforcement.rereview",
    "press": "enforcement.press",
}


def party_q(actor) -> Q:
    if getattr(actor, "enterprise_id", None):
        return Q(party_enterprise_id=actor.enterprise_id)
    return Q(party_user=actor)


def cases_for(actor) -> QuerySet[EnforcementCase]:
    if not getattr(actor, "is_authenticated", False):
        return EnforcementCase.objects.none()
    if actor.is_superuser:
        return EnforcementCase.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, "enforcement.view"):
            return EnforcementCase.objects.none()
        ids = list(organisations_in_scope(actor).values_list("id", flat=True))
        return EnforcementCase.objects.filter(organisation_id__in=ids)
    # a party learns of its case once it is registered (立案), not while it is only a lead
    return EnforcementCase.objects.filter(party_q(actor)).exclude(
        status__in=[Status.DRAFT, Status.NOT_REGISTERED])


def get_case_for(actor, pk: int, *, action: str | None = None, for_update: bool = False) -> EnforcementCase:
    qs = cases_for(actor).select_related("organisation", "baseline_item__baseline", "party_enterprise")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(pk=pk).first()
    if case is None:
        raise Http404("执法案件不存在或不在您的管辖范围内。")
    if action is not None and action in ACTION_PERMS and getattr(actor, "is_staff_member", False):
        require(actor, ACTION_PERMS[action], case)
    return case


def is_party_of(actor, case: EnforcementCase) -> bool:
    if not getattr(actor, "is_applicant", False):
        return False
    if actor.enterprise_id:
        return case.party_enterprise_id == actor.enterprise_id
    return case.party_user_id == actor.pk


def baselines_managed_by(actor) -> QuerySet[Baseline]:
    """The baselines (every version, drafts included) of the organisations the legal office keeps."""
    if not getattr(actor, "is_authenticated", False) or not has_perm(actor, "enforcement.baseline_manage"):
        return Baseline.objects.none()
    if actor.is_superuser:
        return Baseline.objects.all()
    if not actor.is_staff_member:
        return Baseline.objects.none()
    return Baseline.objects.filter(organisation__path__startswith=actor.organisation.path)


def get_baseline_for(actor, pk: int) -> Baseline:
    from tongban.core.timeutil import today

    baseline = baselines_managed_by(actor).with_replaced(today()).select_related("organisation").filter(pk=pk).first()
    if baseline is None:
        raise Http404("裁量基准不存在或不在您的管辖范围内。")
    return baseline
