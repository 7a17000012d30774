"""Pages of works. Builder (portal): my projects, a new project, the project page with its
registration, visits, rectifications, letters and fee. Station (workspace): registrations, visits
due, rectifications, and the project page with its actions. Every action calls a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.attachments import download_response
from tongban.core.errors import Conflict, errors_dict
from tongban.core.errors import errors_text as _errors
from tongban.core.models import Attachment
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import require_applicant, requires
from tongban.policies.models import BuildingUse, LandType, ReliefCategory
from tongban.policies.rules.regions import region_choices

from . import documents, selectors, services
from .models import Building, PartyRole, Project, Rectification, Stage, Visit, WorksDocument
from .permissions import VIEW, get_project_for
from .services import fees as fee_service

BUILDING_ROWS = 5
PARTY_ROWS = 5


def _detail(request, project: Project) -> dict:
    """What both project pages show."""
    try:
        preview, preview_error = fee_service.preview(project), ""
    except ValidationError as exc:
        preview, preview_error = None, _errors(exc)
    return {
        "project": project,
        "buildings": list(project.buildings.all()),
        "parties": selectors.parties_with_standing(project),
        "documents": list(project.documents.select_related("attachment")),
        "visits": list(project.visits.select_related("building", "inspector", "rectification", "record")
                       .prefetch_related("record__files__attachment")),
        "rectifications": list(project.rectifications.select_related("party", "visit")),
        "issued": list(project.issued.select_related("building")),
        "fee": fee_service.current(project),
        "preview": preview,
        "preview_error": preview_error,
        "missing": services.missing_for_verification(project),
        "actions": selectors.available_actions(request.user, project),
        "transitions": list(project.transitions.all()),
        "required_documents": services.REGISTRATION_DOCUMENTS,
        "stages": Stage.choices,
        "outcomes": Visit.Outcome.choices,
        "party_roles": [c for c in PartyRole.choices if c[0] != PartyRole.BUILDER],
    }


def _fail(request, project_pk: int, template: str, exc, **extra):
    status = 409 if isinstance(exc, Conflict) else 400
    message = exc.message if isinstance(exc, Conflict) else _errors(exc)
    messages.error(request, message)
    project = get_project_for(request.user, project_pk)
    ctx = _detail(request, project)
    ctx["errors"] = {} if isinstance(exc, Conflict) else errors_dict(exc)
    ctx.update(extra)
    return render(request, template, ctx, status=status)


# --- builder ----------------------------------------------------------------------------------


def my_projects(request):
    require_applicant(request)
    page = CappedPaginator(selectors.project_list(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "works/my_projects.html", {"page": page})


def _form_rows(data) -> tuple[list[dict], list[dict]]:
    buildings = [
        {
            "name": data.get(f"b{i}_name", ""), "use": data.get(f"b{i}_use", ""),
            "category": data.get(f"b{i}_category", ""), "above_area": data.get(f"b{i}_above", ""),
            "below_area": data.get(f"b{i}_below", ""), "has_basement": data.get(f"b{i}_basement") == "1",
            "protection_class": data.get(f"b{i}_class", ""), "basement_area": data.get(f"b{i}_basement_area", ""),
        }
        for i in range(BUILDING_ROWS)
    ]
    buildings = [b for b in buildings if b["name"] or b["above_area"]]
    parties = [{"role": data.get(f"p{i}_role", ""), "uscc": data.get(f"p{i}_uscc", "")} for i in range(PARTY_ROWS)]
    return buildings, [p for p in parties if p["uscc"]]


def my_project_new(request):
    require_applicant(request)
    errors: dict = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        buildings, parties = _form_rows(request.POST)
        try:
            project = services.project_create(
                actor=request.user, name=request.POST.get("name", ""), address=request.POST.get("address", ""),
                region_code=request.POST.get("region_code", ""), land_type=request.POST.get("land_type", ""),
                buildings=buildings, parties=parties,
            )
        except ValidationError as exc:
            errors = errors_dict(exc)
            messages.error(request, _("保存未成功，请按提示修改。"))
        else:
            messages.success(request, _("项目已保存。请上传报监材料并提交网上报监。"))
            return redirect("works:my_project", project.pk)
    return render(request, "works/my_project_new.html", {
        "data": data, "errors": errors, "error_list": [m for msgs in errors.values() for m in msgs],
        "regions": region_choices(), "land_types": LandType.choices, "uses": BuildingUse.choices,
        "categories": ReliefCategory.choices, "classes": [c for c in Building.Protection.choices if c[0]],
        "building_rows": range(BUILDING_ROWS), "party_rows": range(PARTY_ROWS),
        "party_roles": [c for c in PartyRole.choices if c[0] != PartyRole.BUILDER],
    }, status=400 if errors else 200)


def my_project(request, pk: int):
    require_applicant(request)
    project = get_project_for(request.user, pk, builder=True)
    return render(request, "works/my_project.html", _detail(request, project))


@require_POST
def my_project_register(request, pk: int):
    require_applicant(request)
    files = {k.removeprefix("doc_"): f for k, f in request.FILES.items() if k.startswith("doc_")}
    try:
        services.registration_submit(actor=request.user, project_id=pk, files=files,
                                     expected_version=request.POST.get("row_version") or None)
    except (ValidationError, Conflict) as exc:
        return _fail(request, pk, "works/my_project.html", exc)
    messages.success(request, _("网上报监已提交，监督站将在受理期限内受理。"))
    return redirect("works:my_project", pk)


@require_POST
def my_building_request(request, pk: int, building_id: int):
    require_applicant(request)
    building = Building.objects.filter(pk=building_id, project_id=pk).first()
    if building is None:
        raise Http404
    try:
        services.building_request(actor=request.user, building_id=building_id)
    except (ValidationError, Conflict) as exc:
        return _fail(request, pk, "works/my_project.html", exc)
    messages.success(request, _("已申请出具单体竣工验收备案函。"))
    return redirect("works:my_project", pk)


# --- files (both sides) -----------------------------------------------------------------------


def document_download(request, pk: int, doc_id: int):
    project = get_project_for(request.user, pk)
    doc = WorksDocument.objects.filter(pk=doc_id, project=project).select_related("project__organisation").first()
    if doc is None:
        raise Http404
    try:
        body = documents.render_pdf(doc)
    except documents.FontUnavailable as exc:
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    from urllib.parse import quote

    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.filename(doc))}"
    return response


def attachment_download(request, pk: int, attachment_id: int):
    project = get_project_for(request.user, pk)
    allowed = set(project.documents.values_list("attachment_id", flat=True)) | set(
        project.visits.values_list("record__files__attachment_id", flat=True)
    )
    if attachment_id not in allowed:
        raise Http404
    return download_response(Attachment.objects.get(pk=attachment_id))


# --- station ----------------------------------------------------------------------------------


@requires(VIEW)
def registrations(request):
    status = request.GET.get("status", "")
    status = status if status in Project.Status.values else ""
    qs = selectors.project_list(request.user, status=status, q=request.GET.get("q", "").strip())
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "works/registrations.html", {
        "page": page, "status": status, "statuses": Project.Status.choices, "q": request.GET.get("q", ""),
    })


@requires(VIEW)
def visits_due(request):
    return render(request, "works/visits_due.html", {"rows": selectors.visits_due(request.user)})


@requires(VIEW)
def rectifications(request):
    qs = selectors.open_rectifications(request.user)
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "works/rectifications.html", {"page": page})


@requires(VIEW)
def project_detail(request, pk: int):
    project = get_project_for(request.user, pk)
    ctx = _detail(request, project)
    ctx["supervisors"] = list(services.supervisor_choices(project)) if "registration_accept" in ctx["actions"] else []
    return render(request, "works/project.html", ctx)


STAFF_ACTIONS = {
    "accept": lambda r, pk: services.registration_accept(
        actor=r.user, project_id=pk, supervisor_id=_int(r.POST.get("supervisor_id")),
        expected_version=r.POST.get("row_version") or None),
    "return": lambda r, pk: services.registration_return(
        actor=r.user, project_id=pk, reason=r.POST.get("reason", ""), expected_version=r.POST.get("row_version") or None),
    "visit": lambda r, pk: services.visit_record(
        actor=r.user, project_id=pk, stage=r.POST.get("stage", ""), findings=r.POST.get("findings", ""),
        outcome=r.POST.get("outcome", ""), building_id=_int(r.POST.get("building_id")),
        requirement=r.POST.get("requirement", ""), party_role=r.POST.get("party_role") or PartyRole.CONTRACTOR,
        due_days=r.POST.get("due_days") or None, photos=r.FILES.getlist("photos"),
        signature={k: r.POST.get(k, "") for k in ("signed_name", "signature_confirmed", "signature_refused",
                                                  "refusal_reason")}),
    "rectification_close": lambda r, pk: services.rectification_close(
        actor=r.user, rectification_id=_owned_rect(pk, r.POST.get("rectification_id")), note=r.POST.get("note", "")),
    "building_accept": lambda r, pk: services.building_accept(
        actor=r.user, building_id=_owned_building(pk, r.POST.get("building_id"))),
    "verify": lambda r, pk: services.project_verify(
        actor=r.user, project_id=pk, expected_version=r.POST.get("row_version") or None),
    "fee_assess": lambda r, pk: services.fee_assess(
        actor=r.user, project_id=pk, claimed=r.POST.getlist("waiver"), expected_version=r.POST.get("row_version") or None),
    "fee_settle": lambda r, pk: services.fee_settle(actor=r.user, project_id=pk, payment_ref=r.POST.get("payment_ref", "")),
    "registration_press": lambda r, pk: services.registration_press(actor=r.user, project_id=pk, note=r.POST.get("note", "")),
    "rectification_press": lambda r, pk: services.rectification_press(
        actor=r.user, rectification_id=_owned_rect(pk, r.POST.get("rectification_id")), note=r.POST.get("note", "")),
}
DONE = {
    "accept": _("已受理报监，已出具监督计划书并核定易地建设费。"),
    "return": _("已退回补正。"),
    "visit": _("监督检查已记录。"),
    "rectification_close": _("整改已销号。"),
    "building_accept": _("已出具同意单体竣工验收备案的函。"),
    "verify": _("已出具竣工验收核实文件。"),
    "fee_assess": _("易地建设费已重新核定。"),
    "fee_settle": _("已登记缴款。"),
    "registration_press": _("已督办，受理人员将在待办中看到。"),
    "rectification_press": _("已督办，监督员将在待办中看到。"),
}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _owned_rect(pk: int, value) -> int:
    if not Rectification.objects.filter(pk=_int(value) or 0, project_id=pk).exists():
        raise Http404("整改通知不存在。")
    return int(value)


def _owned_building(pk: int, value) -> int:
    if not Building.objects.filter(pk=_int(value) or 0, project_id=pk).exists():
        raise Http404("单体建筑不存在。")
    return int(value)


@require_POST
@requires(VIEW)
def project_act(request, pk: int, action: str):
    if action not in STAFF_ACTIONS:
        raise Http404
    get_project_for(request.user, pk)  # 404 before anything else when out of scope
    try:
        STAFF_ACTIONS[action](request, pk)
    except (ValidationError, Conflict) as exc:
        return _fail(request, pk, "works/project.html", exc, supervisors=[], failed=action)
    except PermissionDenied:
        raise
    messages.success(request, DONE[action])
    return redirect("works:project", pk)
