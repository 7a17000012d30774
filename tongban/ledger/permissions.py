"""Who may see and act on campaigns, problems, surveys and assessments.

Staff see the campaigns led by their agency (or an agency below it) and the problems their agency
rectifies as lead or co-unit elsewhere; anything else is a 404 so ids do not leak. The lead
office (督查, 审批负责人) runs the campaign; units rectify and give evidence; only the problem's
responsible leader signs its close-out; supervisors press and run re-checks.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.appeals.permissions import scope_root
from tongban.core.permissions import deny, grant, has_perm, in_scope

from .models import Campaign, Problem, Run, Survey

STAFF_ROLES = [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN,
               Role.CREDIT_ADMIN, Role.LEGAL_REVIEWER]
for _role in STAFF_ROLES:
    grant(_role, "ledger.view", "ledger.assess_view")
for _role in (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.INSPECTOR):
    grant(_role, "ledger.rectify")
grant(Role.APPROVER, "ledger.manage", "ledger.signoff", "ledger.consult", "ledger.object")
grant(Role.SUPERVISOR, "ledger.manage", "ledger.press", "ledger.recheck", "ledger.consult", "ledger.assess")
grant(Role.CLERK, "ledger.consult")
grant(Role.ADMIN, "ledger.assess")


def _root(actor):
    return scope_root(actor) if getattr(actor, "is_authenticated", False) else None


def campaigns_for(actor) -> QuerySet[Campaign]:
    if not getattr(actor, "is_authenticated", False):
        return Campaign.objects.none()
    if actor.is_superuser:
        return Campaign.objects.all()
    root = _root(actor)
    if root is None or not has_perm(actor, "ledger.view"):
        return Campaign.objects.none()
    ids = Campaign.objects.filter(
        Q(lead_office__path__startswith=root.path) | Q(participants__path__startswith=root.path)
    ).values("id")
    return Campaign.objects.filter(id__in=ids)


def problems_for(actor) -> QuerySet[Problem]:
    if not getattr(actor, "is_authenticated", False):
        return Problem.objects.none()
    if actor.is_superuser:
        return Problem.objects.all()
    root = _root(actor)
    if root is None or not has_perm(actor, "ledger.view"):
        return Problem.objects.none()
    ids = Problem.objects.filter(
        Q(campaign__lead_office__path__startswith=root.path)
        | Q(lead_unit__path__startswith=root.path)
        | Q(co_units__path__startswith=root.path)
    ).values("id")
    return Problem.objects.filter(id__in=ids)


def leads(actor, campaign: Campaign) -> bool:
    """The actor's agency leads the campaign (its lead office is the agency or inside it)."""
    if actor.is_superuser:
        return True
    root = _root(actor)
    return root is not None and campaign.lead_office.path.startswith(root.path)


def get_campaign_for(actor, pk, *, manage: bool = False) -> Campaign:
    campaign = campaigns_for(actor).select_related("lead_office").filter(pk=pk).first()
    if campaign is None:
        raise Http404("专项整治不存在或不在您的管辖范围内。")
    if manage and not (has_perm(actor, "ledger.manage") and leads(actor, campaign)):
        raise deny(actor, "ledger.manage", campaign)
    return campaign


def get_problem_for(actor, pk, *, for_update: bool = False) -> Problem:
    qs = problems_for(actor).select_related("campaign__lead_office", "lead_unit", "leader", "enterprise")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    problem = qs.filter(pk=pk).first()
    if problem is None:
        raise Http404("问题不存在或不在您的管辖范围内。")
    return problem


def may_manage(actor, problem: Problem) -> bool:
    return has_perm(actor, "ledger.manage") and leads(actor, problem.campaign)


def may_rectify(actor, problem: Problem, unit=None) -> bool:
    """Staff with the right, of the given unit (or, without one, of the lead unit or a co-unit)."""
    if not has_perm(actor, "ledger.rectify"):
        return False
    units = [unit] if unit is not None else [problem.lead_unit, *problem.co_units.all()]
    return any(u is not None and in_scope(actor, u) for u in units)


def may_sign_off(actor, problem: Problem) -> bool:
    """Only the problem's responsible leader (一把手负责制) signs its close-out."""
    return has_perm(actor, "ledger.signoff") and problem.leader_id == actor.pk


def inspection_results_for(actor):
    """Inspection results with findings (every class but 未发现问题) that the actor may read in the
    inspections module: the ones a campaign may turn into problems. Read through inspections' own
    scope helper, so the ledger never widens what a person sees there."""
    from tongban.inspections.models import InspectionResult, ResultClass
    from tongban.inspections.permissions import inspections_for

    return InspectionResult.objects.filter(inspection__in=inspections_for(actor)).exclude(
        result_class=ResultClass.NO_ISSUE)


def surveys_for(actor) -> QuerySet[Survey]:
    if not getattr(actor, "is_authenticated", False):
        return Survey.objects.none()
    if actor.is_superuser:
        return Survey.objects.all()
    root = _root(actor)
    if root is None or not has_perm(actor, "ledger.view"):
        return Survey.objects.none()
    return Survey.objects.filter(organisation__path__startswith=root.path)


def get_survey_for(actor, pk, *, manage: bool = False) -> Survey:
    survey = surveys_for(actor).select_related("organisation").filter(pk=pk).first()
    if survey is None:
        raise Http404("问卷不存在或不在您的管辖范围内。")
    if manage and not has_perm(actor, "ledger.consult"):
        raise deny(actor, "ledger.consult", survey)
    return survey


def runs_for(actor) -> QuerySet[Run]:
    if not getattr(actor, "is_authenticated", False):
        return Run.objects.none()
    if actor.is_superuser:
        return Run.objects.all()
    root = _root(actor)
    if root is None or not has_perm(actor, "ledger.assess_view"):
        return Run.objects.none()
    return Run.objects.filter(scheme__organisation__path__startswith=root.path)


def get_run_for(actor, pk) -> Run:
    run = runs_for(actor).select_related("scheme__organisation").filter(pk=pk).first()
    if run is None:
        raise Http404("考评不存在或不在您的管辖范围内。")
    return run
