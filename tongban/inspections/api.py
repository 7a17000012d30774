"""双随机一公开 API: thin over services and selectors; stable operation ids (issue 16)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongban.accounts.models import Organisation
from tongban.core.permissions import require

from . import selectors, services
from .models import Draw, InspectionItem
from .permissions import get_inspection_for

router = Router(tags=["双随机一公开"])


class ItemOut(Schema):
    id: int
    code: str
    version: int
    name: str
    legal_basis: str
    object_kind: str
    ratio: str
    frequency: str
    method: str
    required_specialties: list[str]
    organisation_id: int


class PlanIn(Schema):
    organisation_id: int | None = None
    year: int
    title: str


class PlanOut(Schema):
    id: int
    year: int
    title: str
    status: str


class InspectionTaskIn(Schema):
    plan_id: int
    item_id: int
    name: str
    period_start: dt.date
    period_end: dt.date
    ratios: dict[str, str] = {}
    region: str = ""
    inspectors_per_object: int = 2
    partner_ids: list[int] = []  # joint task (综合查一次): the partner departments


class TaskOut(Schema):
    id: int
    number: str
    name: str
    ratios: dict


class DrawOut(Schema):
    id: int
    task_number: str
    sequence: int
    status: str
    commitment: str
    seed: str
    row_version: int
    file: dict

    @staticmethod
    def resolve_task_number(obj: Draw) -> str:
        return obj.task.number

    @staticmethod
    def resolve_file(obj: Draw) -> dict:
        return selectors.draw_file(obj)


class SeedIn(Schema):
    numbers: list[str]
    source: str = ""
    announced_on: dt.date | None = None
    row_version: int | None = None


class InspectionOut(Schema):
    id: int
    status: str
    object_name: str
    notice_number: str
    row_version: int

    @staticmethod
    def resolve_object_name(obj) -> str:
        return obj.object.name


class InspectionVersioned(Schema):
    row_version: int | None = None


class RecordIn(InspectionVersioned):
    result_class: str
    items_checked: str
    findings: str = ""
    inspected_on: dt.date | None = None
    rectification: str = ""
    rectification_due: dt.date | None = None
    signed_name: str = ""
    signature_confirmed: bool = False
    signature_refused: bool = False
    refusal_reason: str = ""


class ResultOut(Schema):
    id: int
    number: str
    result_class: str
    publication_due: dt.date
    published_on: dt.date | None


class WithdrawalIn(Schema):
    inspector_id: int
    reasons: str


class WithdrawalOut(Schema):
    id: int
    status: str


@router.get("/items", response=list[ItemOut], operation_id="inspection_item_list", auth=None,
            summary="已公布的随机抽查事项清单（公开）")
def inspection_item_list(request, organisation_id: int | None = None):
    qs = InspectionItem.objects.filter(status="published").order_by("organisation_id", "code")
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return list(qs[:500])


@router.post("/plans", response={201: PlanOut}, operation_id="inspection_plan_create", summary="新建年度抽查计划")
def inspection_plan_create(request, payload: PlanIn):
    require(request.user, "inspections.manage")
    org = request.user.organisation
    if payload.organisation_id:
        org = get_object_or_404(Organisation, pk=payload.organisation_id)
    return 201, services.plan_create(actor=request.user, organisation=org, year=payload.year, title=payload.title)


@router.post("/tasks", response={201: TaskOut}, operation_id="inspection_task_create", summary="新建抽查任务")
def inspection_task_create(request, payload: InspectionTaskIn):
    require(request.user, "inspections.manage")
    return 201, services.task_create(
        actor=request.user, plan_id=payload.plan_id, item_id=payload.item_id, name=payload.name,
        period_start=payload.period_start, period_end=payload.period_end, ratios=payload.ratios,
        region=payload.region, inspectors_per_object=payload.inspectors_per_object, partner_ids=payload.partner_ids)


@router.post("/tasks/{task_id}/draws", response={201: DrawOut}, operation_id="inspection_draw_commit",
             summary="冻结名单并公布抽取承诺（已有有效抽取时拒绝）")
def inspection_draw_commit(request, task_id: int):
    require(request.user, "inspections.manage")
    return 201, services.draw_commit(actor=request.user, task_id=task_id)


@router.post("/draws/{draw_id}/seed", response=DrawOut, operation_id="inspection_draw_seed",
             summary="录入公开号码；另一人再次录入相同号码即复核确认并抽取")
def inspection_draw_seed(request, draw_id: int, payload: SeedIn):
    require(request.user, "inspections.draw")
    return services.draw_seed(actor=request.user, draw_id=draw_id, numbers=payload.numbers, source=payload.source,
                              announced_on=payload.announced_on, expected_version=payload.row_version)


@router.get("/draws/{draw_id}", response=DrawOut, operation_id="inspection_draw_get", auth=None,
            summary="抽取（承诺、冻结名单、号码、种子、结果；公开）")
def inspection_draw_get(request, draw_id: int):
    return get_object_or_404(Draw.objects.select_related("task"), pk=draw_id)


@router.post("/inspections/{inspection_id}/approve", response=InspectionOut, operation_id="inspection_approve",
             summary="负责人批准检查（一批准两出示）")
def inspection_approve(request, inspection_id: int, payload: InspectionVersioned):
    require(request.user, "inspections.approve")
    return services.inspection_approve(actor=request.user, inspection_id=inspection_id,
                                       expected_version=payload.row_version)


@router.post("/inspections/{inspection_id}/record", response={201: ResultOut}, operation_id="inspection_record_submit",
             summary="提交现场检查记录和结果（须已批准并出具检查通知书）")
def inspection_record_submit(request, inspection_id: int, payload: RecordIn):
    require(request.user, "inspections.record")
    data = payload.dict()
    version = data.pop("row_version")
    return 201, services.inspection_record_submit(actor=request.user, inspection_id=inspection_id, data=data,
                                                  expected_version=version)


@router.post("/results/{result_id}/publish", response=ResultOut, operation_id="inspection_result_publish",
             summary="公示检查结果")
def inspection_result_publish(request, result_id: int):
    require(request.user, "inspections.publish")
    return services.inspection_result_publish(actor=request.user, result_id=result_id)


@router.post("/inspections/{inspection_id}/withdrawals", response={201: WithdrawalOut},
             operation_id="inspection_withdrawal_request", summary="检查对象申请执法人员回避")
def inspection_withdrawal_request(request, inspection_id: int, payload: WithdrawalIn):
    get_inspection_for(request.user, inspection_id)
    return 201, services.withdrawal_request(actor=request.user, inspection_id=inspection_id,
                                            inspector_id=payload.inspector_id, reasons=payload.reasons)


@router.get("/results", operation_id="inspection_public_results", auth=None, summary="已公示的抽查结果（公开，稳定格式）")
def inspection_public_results(request, year: int | None = None, uscc: str = "", limit: int = 100):
    if year is not None and not (2000 <= year <= 2100):
        from django.core.exceptions import ValidationError

        raise ValidationError({"year": ["年度应在 2000 到 2100 之间。"]})
    qs = selectors.published_results()
    if year:
        qs = qs.filter(published_on__year=year)
    if uscc:
        qs = qs.filter(inspection__object__uscc=uscc.upper())
    limit = max(1, min(int(limit), 1000))
    return {"format": "tongban-inspection-results-1", "results": [selectors.export_row(r) for r in qs[:limit]]}
