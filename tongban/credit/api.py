"""信用 API: records, the public query, repair, objections, evaluation runs, list members and the
双公示 export. Thin over services and selectors; natural persons are masked in every answer."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from tongban.core.pagination import PAGE_HELP, page_slice
from tongban.core.permissions import require
from tongban.core.validators import validate_uscc

from . import selectors, services
from .models import CreditRecord, RecordStatus
from .permissions import VIEW, get_record_for, records_for

router = Router(tags=["信用"])


class RecordOut(Schema):
    id: int
    number: str
    subject_kind: str
    subject_code: str
    subject_name: str
    source: str
    record_type: str
    title: str
    decision_number: str
    decided_on: dt.date
    severity: str
    rule_version: str
    status: str
    status_label: str
    disputed: bool
    repair_from: dt.date | None
    takedown_on: dt.date | None
    organisation: str
    row_version: int


def _out(r: CreditRecord) -> dict:
    return {"id": r.pk, "number": r.number, "subject_kind": r.subject_kind, "subject_code": r.subject_code_display,
            "subject_name": r.subject_display, "source": r.source, "record_type": r.record_type, "title": r.title,
            "decision_number": r.decision_number, "decided_on": r.decided_on, "severity": r.severity,
            "rule_version": r.rule.code if r.rule else "", "status": r.status, "status_label": r.get_status_display(),
            "disputed": r.disputed, "repair_from": r.repair_from, "takedown_on": r.takedown_on,
            "organisation": r.organisation.name, "row_version": r.row_version}


@router.get("/records", response=list[RecordOut], operation_id="credit_record_list",
            summary="信用记录列表（工作人员按管辖范围；企业和个人为本主体的记录）")
def credit_record_list(request, status: str = "", page: int = Query(1, description=PAGE_HELP)):
    qs = records_for(request.user).select_related("organisation", "rule").order_by("-decided_on", "-id")
    if status:
        if status not in RecordStatus.values:
            raise ValidationError({"status": ["状态取值不正确。"]})
        qs = qs.filter(status=status)
    return [_out(r) for r in page_slice(qs, page, 50)]


@router.get("/records/{record_id}", response=RecordOut, operation_id="credit_record_get", summary="一条信用记录")
def credit_record_get(request, record_id: int):
    return _out(get_record_for(request.user, record_id))


class PublicOut(Schema):
    subject_code: str
    grade: str
    lists: list[dict]
    records: list[RecordOut]


@router.get("/public", response=PublicOut, auth=None, operation_id="credit_public_query",
            summary="公共信用查询：按统一社会信用代码查询公示中的信用记录、评价等级和名单")
def credit_public_query(request, code: str):
    code = validate_uscc(code.strip().upper())
    from tongban.core.standing import standing_of

    standing = standing_of(code)
    return {"subject_code": code, "grade": standing.grade,
            "lists": [{"kind": m.kind, "name": m.name, "basis": m.basis} for m in standing.lists],
            "records": [_out(r) for r in selectors.public_records(code)[:200]]}


class RepairIn(Schema):
    corrected: str
    penalty_fulfilled: str
    commitment: str


@router.post("/records/{record_id}/repair", response={201: dict}, operation_id="credit_repair_apply",
             summary="申请信用修复（multipart：文字说明与证明材料 evidence；最短公示期届满后方可申请）")
def credit_repair_apply(request, record_id: int, payload: Form[RepairIn],
                        evidence: File[list[UploadedFile]] = None):
    repair = services.repair_apply(actor=request.user, record_id=record_id, corrected=payload.corrected,
                                   penalty_fulfilled=payload.penalty_fulfilled, commitment=payload.commitment,
                                   evidence=evidence or [])
    return 201, {"id": repair.pk, "number": repair.number, "status": repair.status, "due_on": repair.due_on}


class CreditDecideIn(Schema):
    approve: bool
    reasons: str = ""
    row_version: int | None = None


@router.post("/repairs/{repair_id}/decide", response=dict, operation_id="credit_repair_decide",
             summary="信用管理员审核修复申请（不予修复须说明理由）")
def credit_repair_decide(request, repair_id: int, payload: CreditDecideIn):
    row = services.repair_decide(actor=request.user, repair_id=repair_id, approve=payload.approve,
                                 reasons=payload.reasons, expected_version=payload.row_version)
    return {"id": row.pk, "status": row.status, "record_status": row.record.status}


class ObjectionIn(Schema):
    target: str  # record, repair, evaluation, list_entry
    target_id: int
    content: str


@router.post("/objections", response={201: dict}, operation_id="credit_objection_submit",
             summary="对信用记录、不予修复决定、评价结果或名单认定提出异议")
def credit_objection_submit(request, payload: ObjectionIn):
    row = services.objection_submit(actor=request.user, target=payload.target, target_id=payload.target_id,
                                    content=payload.content)
    return 201, {"id": row.pk, "number": row.number, "status": row.status, "due_on": row.due_on}


class ObjectionDecideIn(Schema):
    corrected: bool
    reasons: str
    correction: str = ""
    row_version: int | None = None


@router.post("/objections/{objection_id}/decide", response=dict, operation_id="credit_objection_decide",
             summary="处理异议：更正（corrected）或维持，并说明理由")
def credit_objection_decide(request, objection_id: int, payload: ObjectionDecideIn):
    row = services.objection_decide(actor=request.user, objection_id=objection_id, corrected=payload.corrected,
                                    reasons=payload.reasons, correction=payload.correction,
                                    expected_version=payload.row_version)
    return {"id": row.pk, "status": row.status}


class CreditRunIn(Schema):
    method_id: int | None = None
    period_end: dt.date | None = None


@router.post("/evaluations", response={201: dict}, operation_id="credit_evaluation_run",
             summary="按现行评价方法对全部从业单位计算信用评价（集合运算）")
def credit_evaluation_run(request, payload: CreditRunIn):
    run = services.evaluation_run(actor=request.user, method_id=payload.method_id, period_end=payload.period_end)
    return 201, {"id": run.pk, "firms": run.firms, "lines": run.lines, "period_start": run.period_start,
                 "period_end": run.period_end, "status": run.status}


@router.get("/lists/members", response=list[dict], auth=None, operation_id="credit_list_members",
            summary="红黑名单成员（公开），附各名单的设列依据")
def credit_list_members(request, list_id: int | None = None, page: int = Query(1, description=PAGE_HELP)):
    rows = page_slice(selectors.list_members(list_id).order_by("credit_list_id", "-entered_on", "id"), page, 100)
    return [{"list": e.credit_list.name, "kind": e.credit_list.kind, "legal_basis": e.credit_list.legal_basis,
             "subject_code": e.subject_code, "subject_name": e.subject_name, "entered_on": e.entered_on,
             "exit_due": e.exit_due} for e in rows]


@router.get("/export/dual-publicity", operation_id="credit_export_dual_publicity", response={200: None},
            summary="导出双公示数据（行政许可 licence / 行政处罚 penalty；csv、json、xlsx，国家标准字段）")
def credit_export_dual_publicity(request, kind: str = "penalty", format: str = "csv"):
    require(request.user, VIEW)
    if kind not in ("licence", "penalty") or format not in ("csv", "json", "xlsx"):
        raise ValidationError("kind 应为 licence 或 penalty，format 应为 csv、json 或 xlsx。")
    from .views import export_response  # the same file the staff page sends

    qs = records_for(request.user).filter(dual_publicity=True, status=RecordStatus.PUBLISHED)
    response: HttpResponse = export_response(qs, kind, format)
    return response
