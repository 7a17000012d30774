"""Staff pages (plans, tasks and draws, directories, my inspections with the phone record,
approvals, supervision) and the enterprise's page (its inspections, 申请回避)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.models import EnforcementCertificate, Role, User
from tongban.catalog.documents import FontUnavailable
from tongban.core import timeutil
from tongban.core.errors import Conflict, errors_text
from tongban.core.permissions import has_perm, in_scope, require_applicant, requires, scope_q

from . import documents, selectors, services
from .models import (
    AnnualPlan,
    Draw,
    DrawStatus,
    InspectionItem,
    InspectionObject,
    InspectorProfile,
    Method,
    ObjectKind,
    ResultClass,
    Status,
    Transition,
    WithdrawalRequest,
)
from .permissions import (
    get_draw_for,
    get_inspection_for,
    get_task_for,
    inspections_for,
    is_member,
    tasks_for,
)


def _run(request, func, ok: str):
    """Call a service; on a refusal show its Chinese message. Returns the result or None."""
    try:
        result = func()
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else errors_text(exc))
        return None
    messages.success(request, ok)
    return result


def _date(value: str, default: dt.date | None = None):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


# --- plans, tasks, draws -------------------------------------------------------------------------


@requires("inspections.view")
def plans(request):
    user = request.user
    if request.method == "POST":
        require_manage = has_perm(user, "inspections.manage")
        if not require_manage:
            raise PermissionDenied
        plan = _run(request, lambda: services.plan_create(actor=user, organisation=user.organisation,
                                                         year=int(request.POST.get("year") or 0),
                                                         title=request.POST.get("title", "")), "年度计划已创建。")
        return redirect("inspections:plan", plan.pk) if plan else redirect("inspections:plans")
    qs = AnnualPlan.objects.filter(scope_q(user)).select_related("organisation", "filed_with")
    return render(request, "inspections/plans.html", {
        "plans": qs, "tasks": selectors.tasks_list(user)[:50], "can_manage": has_perm(user, "inspections.manage"),
        "year": timeutil.today().year})


@requires("inspections.view")
def plan_detail(request, pk: int):
    user = request.user
    visible = AnnualPlan.objects.all() if user.is_superuser else AnnualPlan.objects.filter(
        Q(scope_q(user)) | Q(tasks__in=tasks_for(user))).values("pk")
    plan = AnnualPlan.objects.filter(pk=pk, pk__in=visible).select_related("organisation").first()
    if plan is None:
        from django.http import Http404

        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "file":
            _run(request, lambda: services.plan_file(actor=user, plan_id=plan.pk), "计划已报备上级机关。")
        else:
            ratios = {k: request.POST.get(f"ratio_{k}") for k in plan_ratio_keys() if request.POST.get(f"ratio_{k}")}
            task = _run(request, lambda: services.task_create(
                actor=user, plan_id=plan.pk, item_id=int(request.POST.get("item") or 0), name=request.POST.get("name", ""),
                period_start=_date(request.POST.get("period_start"), timeutil.today()),
                period_end=_date(request.POST.get("period_end"), timeutil.today()), ratios=ratios,
                region=request.POST.get("region", ""), inspectors_per_object=int(request.POST.get("per_object") or 2),
            ), "抽查任务已创建。")
            if task:
                return redirect("inspections:task", task.pk)
        return redirect("inspections:plan", plan.pk)
    items = InspectionItem.objects.filter(status="published", organisation__path__startswith=plan.organisation.path[:7])
    return render(request, "inspections/plan.html", {"plan": plan, "tasks": plan.tasks.filter(
                      pk__in=tasks_for(user).values("pk")).select_related("item"),
                                                     "items": items, "can_manage": has_perm(user, "inspections.manage"),
                                                     "ratio_keys": plan_ratio_keys()})


def plan_ratio_keys():
    from .models import DEFAULT_RATIOS

    return list(DEFAULT_RATIOS.items())


@requires("inspections.view")
def task_detail(request, pk: int):
    task = get_task_for(request.user, pk)
    refusals = Prefetch("transitions", queryset=Transition.objects.filter(action="void_refuse"), to_attr="refusals")
    draws = list(task.draws.order_by("sequence").select_related("entered_by", "confirmed_by", "void_requested_by")
                 .prefetch_related(refusals))
    # A joint task's partner department sees its own part: the inspections its officers are on.
    inspections = inspections_for(request.user).filter(task=task).exclude(status=Status.CANCELLED).select_related(
        "object").prefetch_related("members__user__organisation")
    lead = in_scope(request.user, task.plan.organisation)
    return render(request, "inspections/task.html", {
        "task": task, "draws": draws, "inspections": inspections, "lead": lead,
        "partners": list(task.partners.all()), "user_perms": {
            p: lead and has_perm(request.user, f"inspections.{p}") for p in ("manage", "draw", "approve")},
        "live": next((d for d in draws if d.status != DrawStatus.VOIDED), None), "today": timeutil.today()})


@require_POST
@requires("inspections.manage")
def task_commit(request, pk: int):
    _run(request, lambda: services.draw_commit(actor=request.user, task_id=pk), "名单已冻结，抽取承诺已公布。")
    return redirect("inspections:task", pk)


@require_POST
@requires("inspections.draw")
def draw_act(request, pk: int, action: str):
    user, post = request.user, request.POST
    draw = get_draw_for(user, pk)
    if action == "seed":
        _run(request, lambda: services.draw_seed(
            actor=user, draw_id=pk, numbers=post.get("numbers", ""), source=post.get("source", ""),
            announced_on=_date(post.get("announced_on")), expected_version=int(post.get("row_version") or 0) or None,
        ), "公开号码已录入。" if draw.status == DrawStatus.COMMITTED or draw.entered_by_id == user.pk else "号码已复核，抽取完成。")
    elif action == "void_request":
        _run(request, lambda: services.draw_void_request(actor=user, draw_id=pk, reason=post.get("reason", "")),
             "作废申请已提交，待负责人批准。")
    elif action == "void_approve":
        _run(request, lambda: services.draw_void_approve(actor=user, draw_id=pk), "抽取已作废（仍保留公示）。")
    elif action == "void_refuse":
        _run(request, lambda: services.draw_void_refuse(actor=user, draw_id=pk, reason=post.get("reason", "")),
             "作废申请已驳回，原抽取继续有效。")
    return redirect("inspections:task", draw.task_id)


# --- directories ---------------------------------------------------------------------------------


@requires("inspections.manage")
def directory(request):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "item":
            _run(request, lambda: services.item_create(
                actor=user, organisation=user.organisation, code=request.POST.get("code", ""),
                name=request.POST.get("name", ""), legal_basis=request.POST.get("legal_basis", ""),
                object_kind=request.POST.get("object_kind", ""), ratio=request.POST.get("ratio") or "0.05",
                method=request.POST.get("method", Method.ONSITE),
                required_specialties=request.POST.get("specialties", "").replace("，", ",").split(","),
            ), "事项已保存为草稿。")
        elif action == "publish":
            _run(request, lambda: services.item_publish(actor=user, item_id=int(request.POST.get("item") or 0)),
                 "事项已公布。")
        elif action == "profile":
            target = User.objects.filter(scope_q(user), pk=int(request.POST.get("user") or 0)).first()
            if target is not None:
                _run(request, lambda: services.inspector_profile_save(
                    actor=user, user=target, specialties=request.POST.get("specialties", "").replace("，", ",").split(","),
                    available=request.POST.get("available") == "1",
                    unavailable_reason=request.POST.get("unavailable_reason", "")), "执法人员信息已保存。")
        elif action == "import" and request.FILES.get("file"):
            try:
                n = services.object_import(actor=user, organisation=user.organisation, upload=request.FILES["file"])
            except ValidationError as exc:
                report = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                return render(request, "inspections/directory.html", {**_directory_context(user), "report": report},
                              status=400)
            messages.success(request, f"已导入 {n} 个检查对象。")
        return redirect("inspections:directory")
    return render(request, "inspections/directory.html", _directory_context(user))


def _directory_context(user):
    inspectors = User.objects.filter(scope_q(user), roles__role=Role.INSPECTOR).distinct().select_related("organisation")
    today = timeutil.today()
    profiles = {p.user_id: p for p in InspectorProfile.objects.filter(user__in=inspectors)}
    users = list(inspectors[:200])
    # One query for every listed officer's valid 行政执法证 (the same pick as valid_certificate:
    # unrevoked, valid today, the latest expiry wins).
    certificates = {}
    for cert in EnforcementCertificate.objects.filter(user__in=users, revoked_at__isnull=True, valid_from__lte=today,
                                                      valid_until__gte=today).order_by("user_id", "valid_until", "pk"):
        certificates[cert.user_id] = cert
    rows = [(u, profiles.get(u.pk), certificates.get(u.pk)) for u in users]
    return {"items": InspectionItem.objects.filter(scope_q(user)), "kinds": ObjectKind.choices, "methods": Method.choices,
            "objects": InspectionObject.objects.filter(scope_q(user)).annotate(
                visits=Count("inspections", filter=~Q(inspections__status=Status.CANCELLED))).order_by("kind", "name")[:200],
            "object_count": InspectionObject.objects.filter(scope_q(user)).count(), "inspectors": rows,
            "columns": services.IMPORT_COLUMNS}


@requires("inspections.manage")
def import_template(request):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    ws.append(["企业", "91410100MA0000010X", "示例企业有限公司", "郑州市金水区示例路1号", "410105", "建筑业", "一般风险"])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="inspection-objects-template.xlsx"'
    return response


# --- inspections ---------------------------------------------------------------------------------


@requires("inspections.record")
def mine(request):
    user = request.user
    if request.method == "POST":
        key = request.POST.get("key", "").strip().upper()
        obj = InspectionObject.objects.filter(key=key).first()
        if obj is None:
            messages.error(request, "名录库中没有该统一社会信用代码或编号的检查对象。")
        else:
            _run(request, lambda: services.conflict_declare(actor=user, inspector=user, object_id=obj.pk,
                                                            kind=request.POST.get("kind", ""),
                                                            note=request.POST.get("note", "")),
                 "利害关系已申报，今后不会抽中您检查该对象。")
        return redirect("inspections:mine")
    from .models import ConflictDeclaration, ConflictKind

    return render(request, "inspections/mine.html", {
        "inspections": selectors.my_inspections(user), "kinds": ConflictKind.choices,
        "conflicts": ConflictDeclaration.objects.filter(inspector=user).select_related("object")})


@requires("inspections.approve")
def approvals(request):
    user = request.user
    return render(request, "inspections/approvals.html", {
        "inspections": selectors.awaiting_approval(user)[:100], "withdrawals": selectors.pending_withdrawals(user),
        "voids": selectors.pending_voids(user)})


@requires("inspections.supervise")
def supervision_page(request):
    year = int(request.GET.get("year") or timeutil.today().year)
    return render(request, "inspections/supervision.html", {
        "overdue": selectors.overdue_publications(request.user)[:200], "year": year,
        "visits": selectors.visits_per_object(request.user, year)[:200],
        "draws": Draw.objects.filter(task__in=tasks_for(request.user)).select_related("task").order_by("-committed_at")[:50],
        "tasks": selectors.tasks_list(request.user)[:50]})


@requires("inspections.view")
def inspection_detail(request, pk: int):
    user = request.user
    insp = get_inspection_for(user, pk)
    result = getattr(insp, "result", None) if insp.status in (Status.RECORDED, Status.PUBLISHED) else None
    return render(request, "inspections/inspection.html", {
        "insp": insp, "result": result, "members": insp.members.select_related("user"),
        "member": is_member(user, insp), "classes": ResultClass.choices, "today": timeutil.today(),
        "can_approve": has_perm(user, "inspections.approve") and not is_member(user, insp),
        "can_supervise": has_perm(user, "inspections.supervise"),
        "history": insp.transitions.all(), "withdrawals": insp.withdrawals.select_related("inspector")})


@require_POST
@requires("inspections.view")
def inspection_act(request, pk: int, action: str):
    user, post = request.user, request.POST
    version = int(post.get("row_version") or 0) or None
    if action == "approve":
        _run(request, lambda: services.inspection_approve(actor=user, inspection_id=pk, expected_version=version),
             "已批准检查。")
    elif action == "notice":
        _run(request, lambda: services.inspection_notice_issue(actor=user, inspection_id=pk, expected_version=version),
             "检查通知书已出具。")
    elif action == "record":
        data = {k: post.get(k, "") for k in ("result_class", "items_checked", "findings", "inspected_on",
                                             "rectification", "rectification_due", "signed_name", "refusal_reason")}
        data["signature_confirmed"] = post.get("signature_confirmed") == "1"
        data["signature_refused"] = post.get("signature") == "refused"
        _run(request, lambda: services.inspection_record_submit(
            actor=user, inspection_id=pk, data=data, files=request.FILES.getlist("files"), expected_version=version),
            "检查记录已提交。")
    elif action == "publish":
        insp = get_inspection_for(user, pk)
        _run(request, lambda: services.inspection_result_publish(actor=user, result_id=insp.result.pk), "结果已公示。")
    elif action == "press":
        insp = get_inspection_for(user, pk)
        _run(request, lambda: services.result_press(actor=user, result_id=insp.result.pk, note=post.get("note", "")),
             "已督办。")
    return redirect("inspections:inspection", pk)


@requires("inspections.view")
def notice_pdf(request, pk: int):
    insp = get_inspection_for(request.user, pk)
    if not insp.notice_number:
        from django.http import Http404

        raise Http404("尚未出具检查通知书。")
    try:
        data = documents.render_pdf(insp)
    except FontUnavailable:
        return HttpResponse("服务器缺少中文字体，暂不能生成 PDF。", status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{insp.pk}.pdf"'
    return response


@require_POST
@requires("inspections.decide")
def withdrawal_decide(request, pk: int):
    req = WithdrawalRequest.objects.filter(pk=pk).first()
    _run(request, lambda: services.withdrawal_decide(actor=request.user, request_id=pk,
                                                     grant=request.POST.get("grant") == "1",
                                                     note=request.POST.get("note", "")), "已作出决定。")
    return redirect("inspections:inspection", req.inspection_id) if req else redirect("inspections:approvals")


# --- the enterprise --------------------------------------------------------------------------------


def my_company(request):
    require_applicant(request)
    rows = list(selectors.company_inspections(request.user).prefetch_related("members__user"))
    return render(request, "inspections/my_company.html", {"inspections": rows, "open": [
        Status.ASSIGNED, Status.APPROVED, Status.NOTIFIED]})


@require_POST
def my_company_withdraw(request, pk: int):
    require_applicant(request)
    _run(request, lambda: services.withdrawal_request(actor=request.user, inspection_id=pk,
                                                      inspector_id=int(request.POST.get("inspector") or 0),
                                                      reasons=request.POST.get("reasons", "")),
         "回避申请已提交，将由负责人决定。")
    return redirect("inspections:my_company")
