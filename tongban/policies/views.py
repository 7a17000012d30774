"""Staff pages: policies, the rule editor with live preview, matches and grants, profiles,
matching runs and imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import Conflict, errors_text
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, requires

from . import importer, profiles, selectors, services
from .forms import ConditionFormSet, PolicyForm, RuleHeaderForm, rows_from_tree
from .models import ImportJob, MatchRun, MatchStatus, PolicyTag
from .permissions import (
    GRANT,
    MANAGE,
    VIEW,
    get_match_for,
    get_policy_for,
    get_profile_for,
    policies_for,
    profiles_for,
)
from .rules.spec import FIELDS, OP_LABELS, ops_for

# --- policies ---------------------------------------------------------------------------------


@requires(VIEW)
def policy_list(request):
    qs = policies_for(request.user).select_related("organisation").order_by("-id")
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    counts = selectors.match_counts([p.pk for p in page])
    rows = [(p, counts.get(p.pk, {})) for p in page]
    return render(
        request,
        "policies/list.html",
        {"page": page, "rows": rows, "can_manage": has_perm(request.user, MANAGE)},
    )


@requires(MANAGE)
def policy_edit(request, pk: int | None = None):
    policy = get_policy_for(request.user, pk, for_write=True) if pk else None
    form = PolicyForm(request.POST or None, instance=policy, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if policy is None:
                policy = services.policy_create(
                    actor=request.user,
                    organisation=form.cleaned_data["organisation"],
                    **form.policy_fields(),
                )
                messages.success(request, _("政策已创建，请设置适用条件。"))
                return redirect("policies:rule", policy.pk)
            services.policy_update(actor=request.user, policy=policy, **form.policy_fields())
        except ValidationError as exc:
            form.add_error(None, errors_text(exc))
        else:
            messages.success(request, _("政策信息已保存。"))
            return redirect("policies:detail", policy.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "policies/policy_form.html", {"form": form, "policy": policy}, status=status
    )


@requires(VIEW)
def policy_detail(request, pk: int):
    policy = get_policy_for(request.user, pk)
    status = request.GET.get("status", "")
    matches = policy.matches.select_related("enterprise").order_by("-matched_at")
    if status in MatchStatus.values:
        matches = matches.filter(status=status)
    page = CappedPaginator(matches, 25).get_page(request.GET.get("page"))
    versions = list(policy.versions.order_by("-number"))
    from .views_public import rule_text

    for v in versions:
        v.lines = rule_text(v.condition)

    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "versions": versions,
            "page": page,
            "status": status,
            "statuses": MatchStatus.choices,
            "counts": selectors.match_counts([policy.pk])[policy.pk],
            "can_manage": has_perm(request.user, MANAGE) and _writable(request.user, pk),
            "can_grant": has_perm(request.user, GRANT) and _writable(request.user, pk, GRANT),
        },
    )


def _writable(user, pk: int, perm: str = MANAGE) -> bool:
    from django.http import Http404

    try:
        if perm == MANAGE:
            get_policy_for(user, pk, for_write=True)
        else:
            from tongban.core.permissions import scope_q

            from .models import Policy

            return Policy.objects.filter(scope_q(user), pk=pk).exists()
    except Http404:
        return False
    return True


@require_POST
@requires(MANAGE)
def policy_action(request, pk: int, action: str):
    policy = get_policy_for(request.user, pk, for_write=True)
    try:
        if action == "publish":
            services.policy_publish(actor=request.user, policy=policy)
            messages.success(request, _("政策已发布，正在匹配符合条件的企业。"))
        elif action == "withdraw":
            services.policy_withdraw(
                actor=request.user, policy=policy, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("政策已停止执行，未申领的匹配记录将失效。"))
        elif action == "rematch":
            from . import matching

            run = matching.run_policy(policy, actor=request.user)
            messages.success(
                request,
                _("重新匹配完成：新增 %(c)s，失效 %(e)s，恢复 %(r)s。")
                % {"c": run.created, "e": run.expired, "r": run.reopened},
            )
        elif action == "push":
            counts = services.push_new(policy_ids=[policy.pk])
            messages.success(
                request,
                _("已推送 %(n)s 家企业，自动兑现 %(g)s 家。")
                % {"n": counts["notified"], "g": counts["granted"]},
            )
        else:
            messages.error(request, _("未知操作。"))
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("policies:detail", pk)


# --- rule editor ------------------------------------------------------------------------------


def _rule_forms(request, policy):
    if request.method == "POST":
        return RuleHeaderForm(request.POST), ConditionFormSet(request.POST, prefix="c")
    latest = policy.versions.order_by("-number").first()
    combinator, rows = "all", []
    if latest is not None:
        flat = rows_from_tree(latest.condition)
        if flat is not None:
            combinator, rows = flat
    rows += [{}] * max(2, 5 - len(rows))
    header = RuleHeaderForm(
        initial={"combinator": combinator, "valid_from": services.next_version_start(policy)}
    )
    return header, ConditionFormSet(initial=rows, prefix="c")


def _tree(formset, header) -> dict:
    leaves = [f.leaf() for f in formset.forms if f.is_valid()]
    return {header.cleaned_data.get("combinator") or "all": [leaf for leaf in leaves if leaf]}


@requires(MANAGE)
def rule_edit(request, pk: int):
    policy = get_policy_for(request.user, pk, for_write=True)
    header, formset = _rule_forms(request, policy)
    error = ""
    if request.method == "POST":
        if header.is_valid() and formset.is_valid():
            try:
                services.version_create(
                    actor=request.user,
                    policy=policy,
                    condition=_tree(formset, header),
                    valid_from=header.cleaned_data["valid_from"],
                    valid_to=header.cleaned_data["valid_to"],
                    note=header.cleaned_data["note"],
                )
            except ValidationError as exc:
                error = errors_text(exc)
            else:
                messages.success(request, _("适用条件已保存为新版本。"))
                return redirect("policies:detail", pk)
        else:
            error = _("请检查表单中的日期和条件。")
    guide = [
        (f.label, "、".join(OP_LABELS[o] for o in ops_for(f)), _value_hint(f))
        for f in FIELDS.values()
    ]
    return render(
        request,
        "policies/rule_form.html",
        {
            "policy": policy,
            "header": header,
            "formset": formset,
            "error": error,
            "guide": guide,
            "tags": PolicyTag.objects.all(),
        },
        status=400 if error else 200,
    )


def _value_hint(field) -> str:
    return {
        "region": "6 位区划代码，如 410100（“位于”含下辖区县）",
        "code": "小类代码如 G5920；“属于门类/大类”填 G 或 G59",
        "choice": "、".join(lbl.split("（")[0].strip() for _v, lbl in field.choices),
        "money": "元，最多两位小数，如 5000000",
        "area": "m²，最多两位小数，如 2000",
        "int": "整数",
        "date": "日期如 2020-01-01；“成立满/不满”填年数",
        "tags": "标签名称，多个用顿号分隔",
    }[field.kind]


@require_POST
@requires(MANAGE)
def rule_preview(request, pk: int):
    policy = get_policy_for(request.user, pk, for_write=True)
    header, formset = RuleHeaderForm(request.POST), ConditionFormSet(request.POST, prefix="c")
    header.is_valid()
    formset.is_valid()
    context = {"policy": policy}
    try:
        on = header.cleaned_data.get("valid_from")
        context["preview"] = selectors.preview(_tree(formset, header), policy=policy, on=on)
        context["on"] = on
    except ValidationError as exc:
        context["error"] = errors_text(exc)
    return render(request, "policies/_preview.html", context)


# --- matches ----------------------------------------------------------------------------------


@require_POST
@requires(GRANT)
def match_grant(request, pk: int):
    match = get_match_for(request.user, pk)
    amount = request.POST.get("amount", "").strip()
    try:
        fen = profiles.yuan_to_fen(amount, "兑现金额") if amount else None
        services.match_grant(actor=request.user, match=match, amount_fen=fen)
        messages.success(request, _("已兑现：%(e)s") % {"e": match.enterprise.name})
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("policies:detail", match.policy_id)


@requires(VIEW)
def explain_view(request, pk: int, profile_id: int):
    policy = get_policy_for(request.user, pk)
    profile = get_profile_for(request.user, profile_id)
    result = selectors.explain_for(policy, profile)
    match = policy.matches.filter(enterprise_id=profile.enterprise_id).first()
    return render(
        request,
        "policies/explain.html",
        {"policy": policy, "profile": profile, "match": match, **result},
    )


# --- runs and imports -------------------------------------------------------------------------


@requires(MANAGE)
def runs(request):
    if request.method == "POST":
        from . import matching

        kind = request.POST.get("kind")
        if kind == "sync":
            created = profiles.profiles_from_platform(actor=request.user)
            messages.success(request, _("已为 %(n)s 家平台登记的企业建立画像。") % {"n": created})
            return redirect("policies:runs")
        run = (
            matching.run_full(actor=request.user)
            if kind == "full"
            else matching.run_profiles(actor=request.user)
        )
        if request.POST.get("push"):
            services.push_new()
        messages.success(
            request,
            _("匹配完成：新增 %(c)s，恢复 %(r)s，失效 %(e)s，用时 %(s)s 秒。")
            % {"c": run.created, "r": run.reopened, "e": run.expired, "s": run.seconds},
        )
        return redirect("policies:runs")
    page = CappedPaginator(MatchRun.objects.select_related("actor"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "policies/runs.html", {"page": page, "stats": profiles.profile_stats()})


@requires(MANAGE)
def import_view(request):
    from .forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importer.import_start(
                actor=request.user, upload=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except ValidationError as exc:
            form.add_error("file", errors_text(exc))
        else:
            return redirect("policies:import_job", job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(
        request,
        "policies/import.html",
        {"form": form, "jobs": jobs},
        status=400 if request.method == "POST" else 200,
    )


@requires(MANAGE)
def import_job(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    template = "policies/_import_progress.html" if request.htmx else "policies/import_job.html"
    return render(request, template, {"job": job})


@requires(MANAGE)
def import_template(request):
    response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enterprise_profiles_template.csv"'
    return response


# --- profiles ---------------------------------------------------------------------------------


@requires(VIEW)
def profile_list(request):
    q = request.GET.get("q", "").strip()
    qs = (
        selectors.profile_search(profiles_for(request.user), q)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/profiles.html",
        {
            "page": page,
            "q": q,
            "can_manage": has_perm(request.user, MANAGE),
            "tags": PolicyTag.objects.all(),
        },
    )


@require_POST
@requires(MANAGE)
def tag_create(request):
    try:
        tag = profiles.tag_create(actor=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("标签“%(t)s”已添加。") % {"t": tag.name})
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    return redirect("policies:profiles")
