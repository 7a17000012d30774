"""Staff pages for one enterprise profile: its data, projects, and every policy's verdict."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import errors_text
from tongban.core.permissions import has_perm, requires

from . import profiles, selectors
from .columns import record_of
from .forms import ProfileForm, ProjectForm
from .models import PolicyTag
from .permissions import MANAGE, VIEW, get_profile_for
from .rules.explain import fmt_fixed
from .rules.regions import region_label


def facts(profile) -> list[tuple[str, str]]:
    """The profile as people read it."""
    r = record_of(profile)

    def money(v):
        return fmt_fixed("money", v) if v is not None else "—"

    return [
        (_("统一社会信用代码"), profile.enterprise.uscc),
        (_("所在行政区划"), region_label(profile.region_code)),
        (_("行业代码"), profile.industry_code or "—"),
        (_("企业规模"), profile.get_size_class_display() or "—"),
        (_("注册资本"), money(r["registered_capital"])),
        (_("上年营业收入"), money(r["annual_revenue"])),
        (_("从业人数"), f"{profile.employees} 人" if profile.employees is not None else "—"),
        (_("成立日期"), profile.founded_on.isoformat() if profile.founded_on else "—"),
        (_("信用等级"), profile.get_credit_grade_display() or "—"),
        (_("企业标签"), "、".join(profiles.tag_names(profile.tag_bits)) or "—"),
        (
            _("最近建设项目"),
            f"{profile.get_project_use_display()}，{fmt_fixed('area', profile.project_floor_area_cm2)}"
            if profile.project_floor_area_cm2
            else "—",
        ),
    ]


@requires(VIEW)
def profile_detail(request, pk: int):
    profile = get_profile_for(request.user, pk)
    verdicts = selectors.explain_all(profile)
    matches = {m.policy_id: m for m in selectors.matches_of_enterprise(profile.enterprise_id)}
    for v in verdicts:
        v["match"] = matches.get(v["policy"].pk)
    return render(
        request,
        "policies/profile_detail.html",
        {
            "profile": profile,
            "facts": facts(profile),
            "verdicts": verdicts,
            "projects": profile.projects.all(),
            "can_manage": has_perm(request.user, MANAGE),
            "project_form": ProjectForm(),
        },
    )


@requires(MANAGE)
def profile_edit(request, pk: int):
    profile = get_profile_for(request.user, pk, for_write=True)
    tags = list(PolicyTag.objects.values_list("name", flat=True))
    initial = {
        "region_code": profile.region_code,
        "industry_code": profile.industry_code,
        "size_class": profile.size_class,
        "registered_capital": _yuan(profile.registered_capital_fen),
        "annual_revenue": _yuan(profile.annual_revenue_fen),
        "employees": profile.employees,
        "founded_on": profile.founded_on,
        "credit_grade": profile.credit_grade,
        "tags": profiles.tag_names(profile.tag_bits),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    form.fields["tags"].choices = [(t, t) for t in tags]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profiles.profile_save(
                actor=request.user,
                enterprise=profile.enterprise,
                tags=data["tags"],
                region_code=data["region_code"],
                industry_code=data["industry_code"],
                size_class=data["size_class"],
                registered_capital_fen=profiles.yuan_to_fen(data["registered_capital"], "注册资本"),
                annual_revenue_fen=profiles.yuan_to_fen(data["annual_revenue"], "上年营业收入"),
                employees=data["employees"],
                founded_on=data["founded_on"],
                credit_grade=data["credit_grade"],
            )
        except ValidationError as exc:
            form.add_error(None, errors_text(exc))
        else:
            messages.success(request, _("画像已保存，将在下一次增量匹配中重新判断。"))
            return redirect("policies:profile", pk)
    return render(
        request,
        "policies/profile_form.html",
        {"form": form, "profile": profile},
        status=400 if request.method == "POST" else 200,
    )


def _yuan(fen):
    return "" if fen is None else str(Decimal(fen) / 100)


@require_POST
@requires(MANAGE)
def project_add(request, pk: int):
    profile = get_profile_for(request.user, pk, for_write=True)
    form = ProjectForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("项目信息不完整：") + "；".join(e for errs in form.errors.values() for e in errs),
        )
        return redirect("policies:profile", pk)
    data = form.cleaned_data
    try:
        profiles.project_add(
            actor=request.user,
            profile=profile,
            name=data["name"],
            use=data["use"],
            total_floor_area_cm2=profiles.m2_to_cm2(data["total_floor_area"], "总建筑面积"),
            region_code=data["region_code"],
            started_on=data["started_on"],
        )
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, _("建设项目已添加。"))
    return redirect("policies:profile", pk)
