"""Pages for applicants (apply, my cases, supplement, withdraw), staff (list, case page with its
actions, walk-in registration, supervision) and the public progress query."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.catalog import material_sources
from tongban.catalog.documents import FontUnavailable
from tongban.catalog.models import ItemVersion, ServiceItem
from tongban.core import pii, ratelimit
from tongban.core.applicant_home import case_links_for
from tongban.core.attachments import download_response
from tongban.core.errors import Conflict
from tongban.core.errors import errors_text as _errors
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import require_applicant, requires

from . import documents, selectors, services
from .models import Case, CaseMaterial, Decision, Document, PauseKind, Status, Warning
from .next_step import next_step
from .permissions import cases_for, get_case_for, is_applicant_of
from .state import available_actions

RESULT_STATUSES = (Status.CONCLUDED, Status.DELIVERED)

# --- applicant ---------------------------------------------------------------------------------


def apply(request, code: str):
    """The application form of an item's current published version (by implementation code)."""
    require_applicant(request)
    item = get_object_or_404(ServiceItem.objects.select_related("current_version", "organisation"),
                             implementation_code=code)
    try:
        version = services.application_version(item)
    except ValidationError as exc:
        # Closed to online application, deactivated or unpublished: say which, offer no form.
        return render(request, "cases/apply.html", {"item": item, "unavailable": "；".join(exc.messages)}, status=422)
    materials = list(version.materials.all())
    errors: dict = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        files = {key.removeprefix("material_"): f for key, f in request.FILES.items() if key.startswith("material_")}
        try:
            # Materials an e-licence can stand in for are looked up only with the applicant's consent.
            case = services.case_apply(
                actor=request.user, version=version, data=request.POST, files=files,
                submission_key=request.POST.get("submission_key", ""),
                authorise_reuse=request.POST.get("licence_reuse") == "1",
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}
            messages.error(request, _("提交未成功，请按提示修改后重新提交。") + _rechoose_message(materials, request.FILES))
        else:
            messages.success(request, _("申请已提交。办件编号 %(n)s，查询码 %(q)s。") % {"n": case.number, "q": case.query_code})
            return redirect("cases:my_case", case.pk)
    status = 400 if errors else 200
    return render(request, "cases/apply.html", {
        "version": version, "errors": errors, "data": data, "general_errors": errors.get("__all__", []),
        "material_rows": _material_rows(materials, errors, request.FILES),
        "reusable_ids": material_sources.reusable_ids(version),
        "submission_key": data.get("submission_key") or uuid.uuid4().hex,
        "user_info": request.user,
        "commitment_refusal": services.commitment_refusal(version, _applicant_code(request.user))
        if version.commitment_allowed else None,
    }, status=status)


def _material_rows(materials, errors: dict, files) -> list[tuple]:
    """(material, its errors, the name of the file chosen for it): a browser does not keep the
    files chosen in a form that comes back with errors, so the page says which to choose again."""
    return [(m, errors.get(f"material_{m.pk}", []), getattr(files.get(f"material_{m.pk}"), "name", ""))
            for m in materials]


def _rechoose_message(materials, files) -> str:
    names = [m.name for m in materials if f"material_{m.pk}" in files]
    if not names:
        return ""
    return _("以下材料的文件需要重新选择：%(names)s。") % {"names": "、".join(names)}
def _applicant_code(user) -> str:
    return user.enterprise.uscc if user.enterprise_id else (user.citizen_id or "")


def my_cases(request):
    require_applicant(request)
    qs = cases_for(request.user).select_related("version", "organisation").order_by("-submitted_at")
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "cases/my_cases.html", {"page": page})


def my_case(request, pk: int):
    require_applicant(request)
    case = get_case_for(request.user, pk)
    ctx = _case_context(case, internal=False)  # the agency's internal steps are not the applicant's
    ctx["actions"] = {a.value for a in available_actions(request.user, case)}
    ctx["next_step"] = next_step(case, applicant=True)
    # The results other modules attach to a decided case: its e-licence, the rating to give.
    ctx["results"] = case_links_for(case, request.user) if case.status in RESULT_STATUSES else []
    return render(request, "cases/my_case.html", ctx)


@require_POST
def my_case_supplement(request, pk: int):
    require_applicant(request)
    files = {key.removeprefix("material_"): f for key, f in request.FILES.items() if key.startswith("material_")}
    files.update({key: f for key, f in request.FILES.items() if key.startswith("other_")})
    try:
        services.case_supplement(actor=request.user, case_id=pk, files=files, note=request.POST.get("note", ""),
                                 expected_version=_int(request.POST.get("row_version")))
    except ValidationError as exc:
        messages.error(request, _("补正未提交：") + _errors(exc) + _("请重新选择全部补正材料后再提交。"))
        return redirect("cases:my_case", pk)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("cases:my_case", pk)
    messages.success(request, _("补正材料已提交，受理期限自今日重新计算。"))
    return redirect("cases:my_case", pk)


@require_POST
def my_case_withdraw(request, pk: int):
    require_applicant(request)
    try:
        services.case_withdraw(actor=request.user, case_id=pk, reason=request.POST.get("reason", ""),
                               expected_version=_int(request.POST.get("row_version")))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("cases:my_case", pk)


# --- shared: documents and materials ----------------------------------------------------------


def document_download(request, pk: int, doc_id: int, fmt: str):
    case = get_case_for(request.user, pk)
    doc = get_object_or_404(Document.objects.select_related("case"), pk=doc_id, case=case)
    try:
        if fmt == "pdf":
            body, ctype = documents.render_pdf(doc), "application/pdf"
        elif fmt == "docx":
            body = documents.render_docx(doc)
            ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise Http404
    except FontUnavailable as exc:
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    from urllib.parse import quote

    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.filename(doc, fmt))}"
    return response


def material_download(request, pk: int, material_id: int):
    case = get_case_for(request.user, pk)
    row = get_object_or_404(CaseMaterial.objects.select_related("attachment"), pk=material_id, case=case)
    if row.attachment is None:
        raise Http404
    return download_response(row.attachment)


def _case_context(case: Case, *, internal: bool = True) -> dict:
    return {
        "case": case,
        "timeline": selectors.timeline(case, internal=internal),
        "materials": case.materials.select_related("attachment", "material").order_by("material__order", "round", "id"),
        "documents": case.documents.all(),
        "periods": case.excluded_periods.select_related("started_by", "ended_by"),
        "notice": getattr(case, "supplement_notice", None),
        "extensions": list(case.extensions.select_related("requested_by", "decided_by")),
        "presses": case.presses.select_related("supervisor"),
        "Status": Status,
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- staff -----------------------------------------------------------------------------------


@requires("cases.view")
def case_list(request):
    status = request.GET.get("status", "")
    warning = request.GET.get("warning", "")
    q = request.GET.get("q", "")
    qs = selectors.case_list(request.user, status=status, warning=warning, q=q)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {
        "page": page, "status": status, "warning": warning, "q": q,
        "statuses": Status.choices, "warnings": [w for w in Warning.choices if w[0]],
    })


@requires("cases.view")
def case_detail(request, pk: int):
    case = get_case_for(request.user, pk)
    user = request.user
    ctx = _case_context(case)
    ctx.update({
        "reveal": pii.reveal(request, case, ["contact_phone", "applicant_code"]),
        # The forms shown are exactly the actions the state machine offers this user now.
        "actions": {a.value for a in available_actions(user, case)},
        "pause_kinds": PauseKind.choices,
        "decisions": Decision.choices,
        "version_materials": case.version.materials.all(),
        "extension_limit": services.extension_limit(case),
        "next_step": next_step(case, applicant=False),
    })
    return render(request, "cases/detail.html", ctx)


ACTIONS = {
    "accept": lambda u, pk, p, v: services.case_accept(actor=u, case_id=pk, note=p.get("note", ""), expected_version=v),
    "reject": lambda u, pk, p, v: services.case_reject(actor=u, case_id=pk, reasons=p.get("reasons", ""),
                                                       basis=p.get("basis", ""), expected_version=v),
    "request_supplement": lambda u, pk, p, v: services.case_request_supplement(
        actor=u, case_id=pk, note=p.get("note", ""), expected_version=v,
        items=[{"material_id": m, "problem": p.get(f"problem_{m}", "")} for m in p.getlist("material")]
        + [{"name": p.get("other_name", ""), "problem": p.get("other_problem", "")}],
    ),
    "pause": lambda u, pk, p, v: services.case_pause(actor=u, case_id=pk, kind=p.get("kind", ""), reason=p.get("reason", ""),
                                                     basis=p.get("basis", ""), expected_version=v),
    "resume": lambda u, pk, p, v: services.case_resume(actor=u, case_id=pk, findings=p.get("findings", ""), expected_version=v),
    "request_extension": lambda u, pk, p, v: services.case_extension_request(
        actor=u, case_id=pk, reason=p.get("reason", ""), days=_int(p.get("days")), expected_version=v),
    "decide_extension": lambda u, pk, p, v: services.case_extension_decide(
        actor=u, case_id=pk, approve=p.get("approve") == "1", note=p.get("note", ""), expected_version=v),
    "submit_review": lambda u, pk, p, v: services.case_submit_review(
        actor=u, case_id=pk, opinion=p.get("opinion", ""), recommend=p.get("recommend", ""), expected_version=v),
    "decide": lambda u, pk, p, v: services.case_decide(actor=u, case_id=pk, decision=p.get("decision", ""),
                                                       reasons=p.get("reasons", ""), expected_version=v),
    "deliver": lambda u, pk, p, v: services.case_deliver(actor=u, case_id=pk, method=p.get("method", "") or "电子送达",
                                                         expected_version=v),
    "terminate": lambda u, pk, p, v: services.case_terminate(actor=u, case_id=pk, reason=p.get("reason", ""), expected_version=v),
    "press": lambda u, pk, p, v: services.case_press(actor=u, case_id=pk, note=p.get("note", "")),
}


def _done(action: str, post) -> str:
    if action == "press":
        return _("已督办。")
    if action == "request_extension":
        return _("延期申请已提交，待本机关负责人审批。")
    if action == "decide_extension":
        return _("已批准延期，已向申请人出具延长审批期限告知书。") if post.get("approve") == "1" else _("已不批准该延期申请。")
    return _("已%(a)s。") % {"a": services.ACTION_LABELS.get(action)}


@require_POST
@requires("cases.view")
def case_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](request.user, pk, request.POST, _int(request.POST.get("row_version")))
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + _errors(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _done(action, request.POST))
    return redirect("cases:detail", pk)


@requires("cases.register")
def register_walk_in(request):
    """A clerk registers an application brought to the window, on the applicant's behalf."""
    from tongban.catalog.models import ServiceItem as Item
    from tongban.core.permissions import scope_q

    items = (
        Item.objects.filter(scope_q(request.user), current_version__status=ItemVersion.Status.PUBLISHED)
        .select_related("current_version", "organisation").order_by("organisation__path", "base_code")
    )
    version = None
    item_id = _int(request.GET.get("item") or request.POST.get("item"))
    if item_id:
        item = items.filter(pk=item_id).first()
        version = item.current_version if item else None
    errors: dict = {}
    if request.method == "POST" and version is not None:
        try:
            files = {k.removeprefix("material_"): f for k, f in request.FILES.items() if k.startswith("material_")}
            case = services.case_register_walk_in(
                actor=request.user, version=version, data=request.POST, files=files,
                submission_key=request.POST.get("submission_key", ""),
                applicant_kind=request.POST.get("applicant_kind", ""),
                applicant_code=request.POST.get("applicant_code", ""),
                applicant_name=request.POST.get("applicant_name", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}
            messages.error(request, _("登记未成功：") + _errors(exc)
                           + _rechoose_message(version.materials.all(), request.FILES))
        else:
            messages.success(request, _("已登记办件 %(n)s，查询码 %(q)s，请告知申请人。") % {"n": case.number, "q": case.query_code})
            return redirect("cases:detail", case.pk)
    return render(request, "cases/register.html", {
        "items": items, "version": version,
        "material_rows": _material_rows(version.materials.all(), errors, request.FILES) if version else [],
        "errors": errors, "data": request.POST if request.method == "POST" else {},
        "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex,
    }, status=400 if errors else 200)


@requires("cases.supervise")
def supervision(request):
    level = request.GET.get("level", "")
    qs = selectors.warnings_in_scope(request.user, level)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    from tongban.core import supervision as core_supervision

    presses = core_supervision.presses_on(cases_for(request.user)).prefetch_related(
        GenericPrefetch("target", [Case.objects.select_related("version")]))[:20]
    return render(request, "cases/supervision.html", {
        "page": page, "level": level, "metrics": selectors.metrics(request.user), "presses": presses,
    })


# --- public ----------------------------------------------------------------------------------


@login_not_required
@ratelimit.limit("progress", rate="TONGBAN_RATE_PUBLIC_QUERY")
def progress(request):
    """Anyone with the case number and its query code sees the stages and dates, nothing personal."""
    number = request.GET.get("number", "").strip()
    code = request.GET.get("code", "").strip().upper()
    case = selectors.public_progress(number, code) if number or code else None
    error = _("未找到办件：请核对办件编号和查询码。") if (number or code) and case is None else ""
    steps = []
    if case is not None:
        case = {**case, "status_label": Status(case["status"]).label}
        steps = [{**s, "label": services.ACTION_LABELS.get(s["action"], s["action"])} for s in case["steps"]]
    return render(request, "cases/progress.html", {
        "case": case, "steps": steps, "number": number, "code": code, "error": error,
        "masked_applicant": case["applicant"] if case else "",
    }, status=404 if error else 200)


def case_redirect(request, pk: int):
    """Notifications link here; send each reader to the page for them."""
    if getattr(request.user, "is_staff_member", False):
        return redirect("cases:detail", pk)
    return redirect(reverse("cases:my_case", args=[pk]))


__all__ = ["is_applicant_of"]
