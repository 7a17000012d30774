"""Reads: the published draw file, public results and exports, the summaries other modules read
on events (handover_summary, result_summary), and the staff lists, scoped by the actor."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from tongban.core.permissions import scope_q

from . import engine
from .models import (
    Draw,
    DrawStatus,
    Inspection,
    InspectionResult,
    OnSiteRecord,
    Status,
    WithdrawalRequest,
    WithdrawalStatus,
)
from .permissions import inspections_for, partner_part, tasks_for

# --- published draws ---------------------------------------------------------------------------


def public_draws() -> QuerySet[Draw]:
    """Every draw, voided ones included: they stay public beside the new one."""
    return Draw.objects.select_related("task__plan__organisation", "task__item").order_by("-committed_at")


def draw_file(draw: Draw) -> dict:
    """The downloadable draw file (format tongban-draw-file-1, see docs/inspections-draw.md)."""
    out = {
        "format": engine.FILE_FORMAT,
        "status": draw.status,
        "commitment_document": draw.document,
        "commitment": draw.commitment,
        "objects": draw.frozen["objects"],
        "inspectors": draw.frozen["inspectors"],
        "excluded": draw.frozen["excluded"],
        "capped": draw.names.get("_capped", []),
        "public_numbers": draw.numbers if draw.confirmed_by_id else [],
        "numbers_source": draw.numbers_source if draw.confirmed_by_id else "",
        "numbers_announced_on": draw.numbers_announced_on.isoformat() if draw.confirmed_by_id and draw.numbers_announced_on else None,
        "seed": draw.seed or None,
        "result": draw.result,
        "result_sha256": engine.result_hash(draw.result) if draw.result is not None else None,
        "replacements": draw.replacements,
        "inspector_names": {k: v for k, v in draw.names.items() if not k.startswith("_")},
    }
    if draw.status == DrawStatus.VOIDED:
        out["void"] = {"reason": draw.void_reason, "voided_at": draw.voided_at.isoformat() if draw.voided_at else None}
    return out


def drawn_objects(draw: Draw) -> list[dict]:
    """The drawn objects with their teams, for the public draw page (names resolved)."""
    rows = []
    if not draw.result:
        return rows
    from .models import InspectionObject

    ids = [int(o[4:]) for objs in draw.result["objects"].values() for o in objs]
    names = dict(InspectionObject.objects.filter(pk__in=ids[:2000]).values_list("pk", "name"))
    sources = draw.names.get("_risk_source", {})
    teams = draw.result["teams"]
    for stratum in sorted(draw.result["objects"]):
        for obj in draw.result["objects"][stratum][:2000]:
            rows.append({"id": obj, "name": names.get(int(obj[4:]), obj), "stratum": stratum,
                         "source": sources.get(obj, "directory"),
                         "team": [(i, draw.names.get(i, i)) for i in teams.get(obj, [])]})
    return rows


# --- results -------------------------------------------------------------------------------------


def published_results() -> QuerySet[InspectionResult]:
    return InspectionResult.objects.filter(published_on__isnull=False).select_related(
        "inspection__object", "inspection__task__item", "inspection__task__plan__organisation").order_by(
        "-published_on", "-id")


def public_url(result: InspectionResult) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("inspections:public_task", args=[result.inspection.task_id])


EXPORT_FIELDS = [
    "result_number", "task_number", "task_name", "item_code", "item_name", "legal_basis", "organisation",
    "organisation_code", "object_kind", "subject_name", "subject_uscc", "inspected_on", "result_class",
    "result_label", "rectification_due", "published_on",
]


def export_row(result: InspectionResult) -> dict:
    """One published result in the stable export format (docs/inspections.md)."""
    insp = result.inspection
    task, obj = insp.task, insp.object
    org = task.plan.organisation.agency()
    return {
        "result_number": result.number, "task_number": task.number, "task_name": task.name,
        "item_code": task.item.code, "item_name": task.item.name, "legal_basis": task.item.legal_basis,
        "organisation": org.name, "organisation_code": org.code, "object_kind": obj.kind,
        "subject_name": obj.name, "subject_uscc": obj.uscc, "inspected_on": result.inspected_on.isoformat(),
        "result_class": result.result_class, "result_label": str(result.get_result_class_display()),
        "rectification_due": result.rectification_due.isoformat() if result.rectification_due else "",
        "published_on": result.published_on.isoformat(),
    }


def handover_summary(result_id: int | None = None, *, record_id: int | None = None) -> dict:
    """For enforcement, on inspection.handed_over (contract in the common brief): a 双随机 result
    (`result_id`) or an on-site record made for another module's visit (`record_id`)."""
    if record_id is not None:
        record = OnSiteRecord.objects.get(pk=record_id)
        return {
            "org_id": record.organisation_id, "subject_uscc": record.subject_uscc,
            "subject_name": record.subject_name, "subject_address": record.subject_address,
            "findings": record.findings, "inspected_on": record.inspected_on,
            "task_number": record.reference or record.source,
            "result_number": record.number, "inspector_user_ids": [record.recorded_by_id],
        }
    result = InspectionResult.objects.select_related("inspection__object", "inspection__task__plan").get(pk=result_id)
    insp = result.inspection
    return {
        "org_id": insp.task.plan.organisation_id, "subject_uscc": insp.object.uscc, "subject_name": insp.object.name,
        "subject_address": insp.object.address, "findings": result.findings, "inspected_on": result.inspected_on,
        "task_number": insp.task.number, "result_number": result.number,
        "inspector_user_ids": list(insp.members.filter(active=True).order_by("id").values_list("user_id", flat=True)),
    }


def result_summary(result_id: int) -> dict:
    """For credit and the portal, on inspection.result_published."""
    result = InspectionResult.objects.select_related("inspection__object", "inspection__task__item",
                                                     "inspection__task__plan").get(pk=result_id)
    insp = result.inspection
    return {
        "org_id": insp.task.plan.organisation_id, "subject_uscc": insp.object.uscc, "subject_name": insp.object.name,
        "result_class": result.result_class, "result_label": str(result.get_result_class_display()),
        "published_on": result.published_on, "task_number": insp.task.number, "item_name": insp.task.item.name,
        "public_url": public_url(result),
    }


# --- staff ---------------------------------------------------------------------------------------


def my_inspections(actor) -> QuerySet[Inspection]:
    return Inspection.objects.filter(members__user=actor, members__active=True).exclude(
        status=Status.CANCELLED).select_related("task__item", "object").order_by("status", "-id")


def awaiting_approval(actor) -> QuerySet[Inspection]:
    # A joint task's partner head also approves its own part (综合查一次).
    return Inspection.objects.filter(Q(scope_q(actor, "task__plan__organisation")) | Q(pk__in=partner_part(actor)),
                                     status=Status.ASSIGNED).select_related(
        "task__item", "object").order_by("task", "position")


def pending_withdrawals(actor) -> QuerySet[WithdrawalRequest]:
    return WithdrawalRequest.objects.filter(scope_q(actor, "inspection__task__plan__organisation"),
                                            status=WithdrawalStatus.PENDING).select_related(
        "inspection__object", "inspector")


def pending_voids(actor) -> QuerySet[Draw]:
    return Draw.objects.filter(scope_q(actor, "task__plan__organisation"), void_requested_by__isnull=False).exclude(
        status=DrawStatus.VOIDED).select_related("task")


def overdue_publications(actor) -> QuerySet[InspectionResult]:
    return InspectionResult.objects.filter(scope_q(actor, "inspection__task__plan__organisation"),
                                           published_on__isnull=True).filter(~Q(warning="")).select_related(
        "inspection__object", "inspection__task").order_by("publication_due")


def visits_per_object(actor, year: int) -> QuerySet:
    """Inspections per object in a year across all tasks (to catch repeated checks)."""
    return (Inspection.objects.filter(scope_q(actor, "task__plan__organisation"), task__period_start__year=year)
            .exclude(status=Status.CANCELLED).values("object_id", "object__name", "object__uscc")
            .annotate(n=Count("task", distinct=True)).order_by("-n", "object__name"))


def tasks_list(actor):
    return tasks_for(actor).select_related("plan__organisation", "item").order_by("-created_at")


def company_inspections(actor) -> QuerySet[Inspection]:
    return inspections_for(actor).select_related("task__item", "task__plan__organisation", "object").order_by("-id")
