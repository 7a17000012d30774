"""Pages for enterprises (my policies, claim) and for everyone (policy finder, policy page with
its grant publication, fee calculator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import Conflict, errors_text
from tongban.core.pagination import CappedPaginator

from . import fees, selectors, services
from .forms import FeeForm, FinderForm
from .models import EnterpriseProfile, FeeSchedule, Policy
from .permissions import get_match_for, is_enterprise_user
from .profiles import m2_to_cm2, yuan_to_fen
from .rules import explain as ex

RELOCATION_FEE = "RF-YDJSF"


def _enterprise_user(request):
    if not is_enterprise_user(request.user):
        raise PermissionDenied(_("此页面供企业用户使用。"))


def my_policies(request):
    _enterprise_user(request)
    profile = (
        EnterpriseProfile.objects.filter(enterprise_id=request.user.enterprise_id)
        .select_related("enterprise")
        .first()
    )
    verdicts = selectors.explain_all(profile) if profile else []
    matches = {m.policy_id: m for m in selectors.matches_of_enterprise(request.user.enterprise_id)}
    for v in verdicts:
        v["match"] = matches.get(v["policy"].pk)
    eligible = [
        v for v in verdicts if (v["match"] and v["match"].status != "expired") or v["step"].passed
    ]
    others = [v for v in verdicts if v not in eligible]
    return render(
        request, "policies/mine.html", {"profile": profile, "eligible": eligible, "others": others}
    )


@require_POST
def my_claim(request, pk: int):
    _enterprise_user(request)
    match = get_match_for(request.user, pk)
    try:
        services.match_claim(actor=request.user, match=match)
        messages.success(
            request, _("已申领“%(p)s”，主管部门审核后兑现。") % {"p": match.policy.title}
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else errors_text(exc))
    return redirect("policies:mine")


@login_not_required
def finder(request):
    """Anyone answers a few questions and sees which policies would apply, and why."""
    form = FinderForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            record = {
                "region_code": data["region_code"],
                "industry_code": (data["industry_code"] or "").upper() or None,
                "size_class": data["size_class"] or None,
                "employees": data["employees"],
                "annual_revenue": yuan_to_fen(data["annual_revenue"], "上年营业收入"),
                "founded_on": data["founded_on"],
                "credit_grade": None,
                "tags": 0,
                "registered_capital": None,
                "project_use": data["project_use"] or None,
                "project_floor_area": m2_to_cm2(data["project_floor_area"], "在建项目总建筑面积")
                if data["project_use"]
                else None,
                "project_region": data["region_code"] if data["project_use"] else None,
            }
        except ValidationError as exc:
            form.add_error(None, errors_text(exc))
        else:
            results = selectors.explain_all(None, record=record)
    return render(
        request,
        "policies/finder.html",
        {"form": form, "results": results},
        status=400 if request.GET and form.errors else 200,
    )


@login_not_required
def public_policy(request, pk: int):
    policy = get_object_or_404(
        Policy.objects.select_related("organisation"), pk=pk, status=Policy.Status.PUBLISHED
    )
    versions = list(policy.versions.order_by("-number"))
    for v in versions:
        v.lines = rule_text(v.condition)
    page = CappedPaginator(selectors.grants_published(policy), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/public_policy.html",
        {
            "policy": policy,
            "versions": versions,
            "page": page,
        },
    )


def rule_text(tree: dict) -> list[str]:
    """A tree as lines of text, for people."""
    if "field" in tree:
        return [ex.describe(tree)]
    if "not" in tree:
        return ["不满足：" + "；".join(rule_text(tree["not"]))]
    ((kind, children),) = tree.items()
    parts = [line for c in children for line in rule_text(c)]
    if kind == "any" and len(parts) > 1:
        return ["满足以下任一条件：" + "；或 ".join(parts)]
    return parts


@login_not_required
def policy_index(request):
    return render(
        request, "policies/public_index.html", {"policies": selectors.published_policies()}
    )


@login_not_required
def fee_calculator(request):
    schedule = FeeSchedule.objects.filter(code=request.GET.get("fee", RELOCATION_FEE)).first()
    if schedule is None:
        raise Http404(_("尚未配置该收费项目。"))
    form = FeeForm(request.GET or None)
    result = None
    if request.GET.get("total_floor_area") is not None and form.is_valid():
        try:
            result = fees.calculate(schedule=schedule, **form.cleaned_data)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, msgs)
    status = (
        400
        if form.is_bound and form.errors and request.GET.get("total_floor_area") is not None
        else 200
    )
    return render(
        request,
        "policies/fee.html",
        {
            "form": form,
            "result": result,
            "schedule": schedule,
            "schedules": FeeSchedule.objects.all(),
        },
        status=status,
    )
