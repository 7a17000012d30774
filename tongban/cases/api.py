"""Cases API: thin over services and selectors; every operation has a stable operation id."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tongban.catalog.models import ServiceItem
from tongban.core import ratelimit
from tongban.core.api_forms import files_named, multipart_body, parse_form
from tongban.core.pagination import PageNumberPagination

from . import selectors, services
from .models import Case, Status
from .permissions import get_case_for
from .state import available_actions

router = Router(tags=["办件"])


class TransitionOut(Schema):
    action: str
    to_status: str
    actor_name: str
    at: dt.datetime
    effective_on: dt.date
    note: str


class CaseOut(Schema):
    id: int
    number: str
    item_name: str
    organisation: str
    applicant_name: str
    status: str
    status_label: str
    warning: str
    received_on: dt.date
    acceptance_due: dt.date
    accepted_on: dt.date | None
    deemed_accepted: bool
    promised_due: dt.date | None
    legal_due: dt.date | None
    provisional: bool
    supplement_count: int
    extension_days: int
    promised_extension_days: int
    paused_days: int
    decision: str
    row_version: int

    @staticmethod
    def resolve_item_name(obj: Case) -> str:
        return obj.version.name

    @staticmethod
    def resolve_organisation(obj: Case) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return obj.get_status_display()


class ExtensionOut(Schema):
    id: int
    status: str
    days: int
    reason: str
    requested_by: str
    requested_at: dt.datetime | None
    legal_due_before: dt.date | None
    decided_by: str
    decided_on: dt.date | None
    decision_note: str
    moves_promised: bool
    legal_due_after: dt.date | None

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return obj.requested_by.display_name if obj.requested_by_id else ""

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return obj.decided_by.display_name if obj.decided_by_id else ""


class CaseDetailOut(CaseOut):
    query_code: str
    extensions: list[ExtensionOut]  # 延期申请 and the head's answers (第四十二条)
    timeline: list[TransitionOut]
    available_actions: list[str]  # what the caller may do now; clients read it, never re-derive it

    @staticmethod
    def resolve_available_actions(obj: Case, context) -> list[str]:
        return [a.value for a in available_actions(context["request"].user, obj)]

    @staticmethod
    def resolve_timeline(obj: Case, context):
        return list(selectors.timeline(obj, internal=_is_staff(context)))

    @staticmethod
    def resolve_extensions(obj: Case, context):
        rows = obj.extensions.select_related("requested_by", "decided_by")
        # the applicant hears of an approved extension only (its written notice), not the deliberation
        return list(rows if _is_staff(context) else rows.filter(status="approved"))


def _is_staff(context) -> bool:
    user = context["request"].user
    return bool(getattr(user, "is_staff_member", False) or user.is_superuser)


class PublicProgressOut(Schema):
    number: str
    item_name: str
    organisation: str
    applicant: str
    status: str
    status_label: str
    received_on: dt.date
    promised_due: dt.date | None
    steps: list[dict]


class SubmitIn(Schema):
    item_id: int = Field(description="事项 id：catalog_list_items / catalog_get_item 返回的 id")
    submission_key: str = Field(
        description="提交标识（幂等键）：同一申请人重复提交同一标识只生成一个办件",
        json_schema_extra={"minLength": 1, "maxLength": 64},
    )
    contact_name: str = Field(description="联系人", json_schema_extra={"minLength": 1})
    contact_phone: str = Field(description="联系电话，7-12 位数字", json_schema_extra={"pattern": "^[0-9]{7,12}$"})
    project_name: str = ""
    address: str = ""
    summary: str = ""
    # the applicant authorises looking up their e-licences (免证可办)
    licence_reuse: bool = Field(False, description="授权查询本人/本单位电子证照，可免提交由证照提供的材料")


MATERIAL_FILE = r"^material_[0-9]+$"
MATERIAL_NOTE = (
    "申请材料文件，字段名为 material_<材料 id>，材料 id 见 catalog_get_item 的 materials[].id；"
    "materials[].required 为 true 且 omittable 不为 true 的材料必须上传"
)
OTHER_FILE = r"^other_[0-9]+$"


class Versioned(Schema):
    row_version: int | None = None


class NoteIn(Versioned):
    note: str = ""


class RejectIn(Versioned):
    reasons: str
    basis: str


class SupplementItem(Schema):
    material_id: int | None = None
    name: str = ""
    problem: str


class SupplementRequestIn(Versioned):
    items: list[SupplementItem]
    note: str = ""


class PauseIn(Versioned):
    kind: str
    reason: str
    basis: str = ""


class ResumeIn(Versioned):
    findings: str = ""


class ExtensionRequestIn(Versioned):
    reason: str
    days: int | None = Field(None, description="延长的工作日数；缺省为本事项可延长的全部期限（一般为十个工作日）")


class ExtensionDecideIn(Versioned):
    approve: bool
    note: str = Field("", description="审批意见；不批准时必填")


class DecideIn(Versioned):
    decision: str
    reasons: str = ""


class WithdrawIn(Versioned):
    reason: str = ""


def _full(actor, pk: int) -> Case:
    return get_case_for(actor, pk)


@router.get("/", response=list[CaseOut], operation_id="case_list", summary="办件列表（按权限范围）")
@paginate(PageNumberPagination, page_size=50)
def case_list(request, status: str = "", warning: str = "", q: str = ""):
    return selectors.case_list(request.user, status=status, warning=warning, q=q)


@router.get("/progress", response=PublicProgressOut, auth=None, operation_id="case_public_query",
            summary="公开进度查询（办件编号 + 查询码，不含个人信息）")
@ratelimit.limit("progress-api", rate="TONGBAN_RATE_PUBLIC_QUERY", json=True)
def case_public_query(request, number: str, code: str):
    data = selectors.public_progress(number, code)
    if data is None:
        from django.http import Http404

        raise Http404("未找到办件：请核对办件编号和查询码。")
    steps = [
        {"step": str(services.ACTION_LABELS.get(s["action"], s["action"])), "at": s["at"].isoformat(), "status": s["to_status"]}
        for s in data["steps"]
    ]
    return {
        "number": data["number"], "item_name": data["version"]["name"], "organisation": data["organisation"]["name"],
        "applicant": data["applicant"], "status": data["status"], "status_label": str(Status(data["status"]).label),
        "received_on": data["received_on"], "promised_due": data["promised_due"], "steps": steps,
    }


@router.get("/{case_id}", response=CaseDetailOut, operation_id="case_get", summary="办件详情")
def case_get(request, case_id: int):
    return _full(request.user, case_id)


@router.post("/", response={201: CaseDetailOut}, operation_id="case_submit", summary="提交申请（同一 submission_key 只生成一个办件）",
             openapi_extra=multipart_body(SubmitIn, files={MATERIAL_FILE: MATERIAL_NOTE}))
def case_submit(request):
    payload = parse_form(request, SubmitIn)
    item = get_object_or_404(ServiceItem.objects.select_related("current_version"), pk=payload.item_id)
    version = services.application_version(item)  # 422 naming why when the item is closed
    uploads = files_named(request, r"material_([0-9]+)")
    case = services.case_apply(
        actor=request.user, version=version, data=payload.dict(), files=uploads,
        submission_key=payload.submission_key, authorise_reuse=payload.licence_reuse,
    )
    return 201, _full(request.user, case.pk)


@router.post("/{case_id}/accept", response=CaseDetailOut, operation_id="case_accept", summary="受理")
def case_accept(request, case_id: int, payload: NoteIn):
    services.case_accept(actor=request.user, case_id=case_id, note=payload.note, expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/reject", response=CaseDetailOut, operation_id="case_reject", summary="不予受理")
def case_reject(request, case_id: int, payload: RejectIn):
    services.case_reject(actor=request.user, case_id=case_id, reasons=payload.reasons, basis=payload.basis,
                         expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/supplement-request", response=CaseDetailOut, operation_id="case_request_supplement",
             summary="一次性告知补正（每件仅一次）")
def case_request_supplement(request, case_id: int, payload: SupplementRequestIn):
    services.case_request_supplement(actor=request.user, case_id=case_id, items=[i.dict() for i in payload.items],
                                     note=payload.note, expected_version=payload.row_version)
    return _full(request.user, case_id)


class SupplementIn(Schema):
    note: str = Field("", description="补正说明")
    row_version: int | None = Field(None, description="办件的 row_version；已被他人处理时返回 409")


@router.post("/{case_id}/supplement", response=CaseDetailOut, operation_id="case_supplement", summary="申请人补正材料",
             description="补正通知（case_get 的文书与办理过程）所列的全部材料须一次补齐。",
             openapi_extra=multipart_body(SupplementIn, files={
                 MATERIAL_FILE: "补正通知所列的申请材料，字段名为 material_<材料 id>",
                 OTHER_FILE: "补正通知所列的其他材料（不属于事项材料清单的），字段名为 other_<该项在补正通知中的序号，从 0 起>",
             }))
def case_supplement(request, case_id: int):
    payload = parse_form(request, SupplementIn)
    uploads = files_named(request, r"material_([0-9]+)")
    uploads.update({f"other_{n}": f for n, f in files_named(request, r"other_([0-9]+)").items()})
    services.case_supplement(actor=request.user, case_id=case_id, files=uploads, note=payload.note,
                             expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/pause", response=CaseDetailOut, operation_id="case_pause", summary="启动特别程序（暂停计时）")
def case_pause(request, case_id: int, payload: PauseIn):
    services.case_pause(actor=request.user, case_id=case_id, kind=payload.kind, reason=payload.reason,
                        basis=payload.basis, expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/resume", response=CaseDetailOut, operation_id="case_resume", summary="结束特别程序（恢复计时）")
def case_resume(request, case_id: int, payload: ResumeIn):
    services.case_resume(actor=request.user, case_id=case_id, findings=payload.findings,
                         expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/extension-request", response=CaseDetailOut, operation_id="case_extension_request",
             summary="申请延长审批期限（承办人，法定期限届满前；《行政许可法》第四十二条）")
def case_extension_request(request, case_id: int, payload: ExtensionRequestIn):
    services.case_extension_request(actor=request.user, case_id=case_id, reason=payload.reason, days=payload.days,
                                    expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/extension-decision", response=CaseDetailOut, operation_id="case_extension_decide",
             summary="批准或不批准延期申请（本行政机关负责人，不能审批本人的申请）")
def case_extension_decide(request, case_id: int, payload: ExtensionDecideIn):
    services.case_extension_decide(actor=request.user, case_id=case_id, approve=payload.approve, note=payload.note,
                                   expected_version=payload.row_version)
    return _full(request.user, case_id)


class GoneOut(Schema):
    code: str
    message: str


EXTEND_GONE = (
    "依据《中华人民共和国行政许可法》第四十二条，延长审批期限须由承办人提出申请、再由本行政机关负责人批准："
    "请改用 POST /api/v1/cases/{case_id}/extension-request（case_extension_request）提出申请，"
    "由另一位负责人通过 POST /api/v1/cases/{case_id}/extension-decision（case_extension_decide）审批。"
)


@router.post("/{case_id}/extend", response={410: GoneOut}, operation_id="case_extend", deprecated=True,
             summary="已停用：延期改为申请与审批两步（见 case_extension_request、case_extension_decide）")
def case_extend(request, case_id: int):
    """Kept so that clients written against the direct extension get a clear answer, not a 404."""
    get_case_for(request.user, case_id)  # out of scope is still a 404
    return 410, {"code": "gone", "message": EXTEND_GONE}


class ReviewIn(Versioned):
    opinion: str
    recommend: str


@router.post("/{case_id}/review", response=CaseDetailOut, operation_id="case_submit_review", summary="提交审查意见，转签批")
def case_submit_review(request, case_id: int, payload: ReviewIn):
    services.case_submit_review(actor=request.user, case_id=case_id, opinion=payload.opinion,
                                recommend=payload.recommend, expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/decide", response=CaseDetailOut, operation_id="case_decide", summary="作出准予/不予许可决定")
def case_decide(request, case_id: int, payload: DecideIn):
    services.case_decide(actor=request.user, case_id=case_id, decision=payload.decision, reasons=payload.reasons,
                         expected_version=payload.row_version)
    return _full(request.user, case_id)


@router.post("/{case_id}/withdraw", response=CaseDetailOut, operation_id="case_withdraw", summary="申请人撤回")
def case_withdraw(request, case_id: int, payload: WithdrawIn):
    services.case_withdraw(actor=request.user, case_id=case_id, reason=payload.reason,
                           expected_version=payload.row_version)
    return _full(request.user, case_id)
