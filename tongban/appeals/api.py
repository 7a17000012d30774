"""Appeals and knowledge-base API: thin over services and selectors; stable operation ids."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, File, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from tongban.core.api_auth import OPTIONAL_AUTH
from tongban.core.masking import mask_name
from tongban.core.pagination import PAGE_HELP, page_slice
from tongban.core.request_context import ip_from_request

from . import divisions, hotline, search, selectors, services
from .models import Appeal, Channel
from .permissions import acts_for, get_appeal_for, requester_view
from .routing import RateLimited

router = Router(tags=["有诉即办"])


class StepOut(Schema):
    action: str
    to_status: str
    actor_name: str
    at: dt.datetime
    note: str


class AppealOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    channel: str
    title: str
    status: str
    status_label: str
    category: str | None
    organisation: str
    pending_organisation: str | None
    division_code: str
    division_name: str
    received_on: dt.date
    due_on: dt.date
    warning: str
    requester_name: str
    requester_phone: str
    identity_protected: bool
    publish_consent: bool
    satisfaction: str
    reopen_count: int
    duplicate_of: str | None
    row_version: int


class AppealSubjectOut(Schema):
    kind: str
    name: str
    uscc: str
    address: str


class AppealDetailOut(AppealOut):
    subject: AppealSubjectOut | None = Field(None, description="被反映对象；个人姓名仅对承办单位完整显示")
    referred_on: dt.date | None = Field(None, description="移送执法日期")
    content: str
    query_code: str | None
    replies: list[dict]
    steps: list[StepOut]


def _out(actor, appeal: Appeal, *, detail: bool = False, in_list: bool = False) -> dict:
    who = requester_view(actor, appeal, in_list=in_list)
    row = {
        "id": appeal.pk, "number": appeal.number, "kind": appeal.kind, "kind_label": appeal.get_kind_display(),
        "channel": appeal.channel, "title": appeal.title, "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "category": appeal.category.name if appeal.category_id else None,
        "organisation": appeal.organisation.name,
        "division_code": appeal.division_code, "division_name": appeal.division_name,
        "pending_organisation": appeal.pending_organisation.name if appeal.pending_organisation_id else None,
        "received_on": appeal.received_on, "due_on": appeal.due_on, "warning": appeal.warning,
        "requester_name": who["name"], "requester_phone": who["phone"], "identity_protected": who["hidden"],
        "publish_consent": appeal.publish_consent,
        "satisfaction": appeal.satisfaction, "reopen_count": appeal.reopen_count,
        "duplicate_of": appeal.duplicate_of.number if appeal.duplicate_of_id else None,
        "row_version": appeal.row_version,
    }
    if detail:
        if appeal.subject_kind:
            full = appeal.subject_kind != "person" or acts_for(actor, appeal.organisation)
            row["subject"] = {"kind": appeal.subject_kind, "address": appeal.subject_address,
                              "name": appeal.subject_name if full else mask_name(appeal.subject_name),
                              "uscc": appeal.subject_uscc}
        row["referred_on"] = appeal.referred_on
        row["content"] = appeal.content
        row["query_code"] = appeal.query_code if appeal.requester_id == getattr(actor, "pk", -1) else None
        row["replies"] = [{"round": r.round, "body": r.body, "organisation": r.organisation.name,
                           "replied_at": r.replied_at.isoformat()} for r in appeal.replies.select_related("organisation")]
        row["steps"] = list(selectors.timeline(appeal))
    return row


class SubmitIn(Schema):
    kind: str
    content: str
    title: str = ""
    category: str = ""
    item_id: int | None = None
    case_id: int | None = None
    division_code: str = ""
    address: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    disclose_identity: bool = False
    publish: bool = Field(False, description="同意经 Open311 公开（不含个人信息）；默认不公开")
    respondent_id: int | None = None
    subject_kind: str = Field("", description="被反映对象类型：enterprise（单位）/ person（个人），投诉时可填")
    subject_name: str = ""
    subject_uscc: str = Field("", description="被反映单位的统一社会信用代码（GB 32100 校验）")
    subject_address: str = ""


class SubmitOut(AppealDetailOut):
    pass


class Receipt(Schema):
    number: str
    query_code: str
    organisation: str
    due_on: dt.date
    duplicate_of: str | None


@router.post("/", response={201: Receipt}, auth=OPTIONAL_AUTH, operation_id="appeal_submit",
             summary="提交诉求（登录用户或匿名留电话；匿名受频率限制）")
def appeal_submit(request, payload: SubmitIn):
    user = request.user if request.user.is_authenticated else None
    channel = Channel.OPEN311 if user is not None and user.is_staff_member else Channel.MOBILE
    data = payload.dict()
    data["disclose_identity"] = "1" if payload.disclose_identity else ""
    data["publish"] = "1" if payload.publish else ""
    try:
        appeal = services.appeal_submit(actor=user, data=data, channel=channel, client_ip=ip_from_request(request))
    except RateLimited as exc:
        raise HttpError(429, exc.message) from None
    return 201, {"number": appeal.number, "query_code": appeal.query_code, "organisation": appeal.organisation.name,
                 "due_on": appeal.due_on, "duplicate_of": appeal.duplicate_of.number if appeal.duplicate_of_id else None}


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    has_children: bool


@router.get("/divisions", response=list[DivisionOut], auth=None, operation_id="division_children",
            summary="行政区划：某一区划的下级（不填 parent 为全部省份），供选择诉求所在地")
def division_children(request, parent: str = ""):
    if parent and divisions.get(parent) is None:
        raise Http404("行政区划不存在：请核对区划代码。")
    return [{"code": d.code, "name": d.name, "level": d.level, "has_children": bool(divisions.children(d.code))}
            for d in divisions.children(parent)]


@router.get("/", response=list[AppealOut], operation_id="appeal_list", summary="诉求列表（按权限范围；电话脱敏）")
def appeal_list(request, status: str = "", kind: str = "", warning: str = "", q: str = "",
                page: int = Query(1, description=PAGE_HELP)):
    qs = selectors.appeal_list(request.user, status=status, kind=kind, warning=warning, q=q)
    return [_out(request.user, a, in_list=True) for a in page_slice(qs, page, 50)]


@router.get("/{appeal_id}", response=AppealDetailOut, operation_id="appeal_get", summary="诉求详情")
def appeal_get(request, appeal_id: int):
    return _out(request.user, get_appeal_for(request.user, appeal_id), detail=True)


class Versioned(Schema):
    row_version: int | None = None


class NoteIn(Versioned):
    note: str = ""


class TransferIn(Versioned):
    to_organisation_id: int
    reason: str


class ReasonIn(Versioned):
    reason: str


class ReplyIn(Versioned):
    body: str


class CallbackIn(Versioned):
    satisfaction: str
    note: str = ""
    method: str = "phone"


class AppealSubjectIn(Schema):
    subject_kind: str = ""
    subject_name: str = ""
    subject_uscc: str = ""
    subject_address: str = ""


class AppealReferIn(Versioned):
    reason: str


def _detail(request, appeal_id: int):
    return _out(request.user, get_appeal_for(request.user, appeal_id), detail=True)


@router.post("/{appeal_id}/subject", response=AppealDetailOut, operation_id="appeal_set_subject",
             summary="填写或更正被反映对象（移送执法前）")
def appeal_set_subject(request, appeal_id: int, payload: AppealSubjectIn):
    services.appeal_set_subject(actor=request.user, appeal_id=appeal_id, data=payload.dict())
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/refer", response=AppealDetailOut, operation_id="appeal_refer_to_enforcement",
             summary="移送执法（执法部门据此登记案件）")
def appeal_refer_to_enforcement(request, appeal_id: int, payload: AppealReferIn):
    services.appeal_refer_to_enforcement(actor=request.user, appeal=appeal_id, reason=payload.reason,
                                         expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/accept", response=AppealDetailOut, operation_id="appeal_accept", summary="首问受理")
def appeal_accept(request, appeal_id: int, payload: NoteIn):
    services.appeal_accept(actor=request.user, appeal_id=appeal_id, note=payload.note,
                           expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/transfer", response=AppealDetailOut, operation_id="appeal_transfer",
             summary="转办（须写明理由；接收单位接收前由首问单位负责）")
def appeal_transfer(request, appeal_id: int, payload: TransferIn):
    services.appeal_transfer(actor=request.user, appeal_id=appeal_id, to_organisation_id=payload.to_organisation_id,
                             reason=payload.reason, expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/accept-transfer", response=AppealDetailOut, operation_id="appeal_accept_transfer",
             summary="接收转办")
def appeal_accept_transfer(request, appeal_id: int, payload: NoteIn):
    services.appeal_accept_transfer(actor=request.user, appeal_id=appeal_id, note=payload.note,
                                    expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/return", response=AppealDetailOut, operation_id="appeal_return",
             summary="退回转办（非本单位职责，须写明理由）")
def appeal_return(request, appeal_id: int, payload: ReasonIn):
    services.appeal_return(actor=request.user, appeal_id=appeal_id, reason=payload.reason,
                           expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/reply", response=AppealDetailOut, operation_id="appeal_reply", summary="答复诉求人")
def appeal_reply(request, appeal_id: int, payload: ReplyIn):
    services.appeal_reply(actor=request.user, appeal_id=appeal_id, body=payload.body,
                          expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/callback", response=AppealDetailOut, operation_id="appeal_callback",
             summary="回访（记录满意度并办结）")
def appeal_callback(request, appeal_id: int, payload: CallbackIn):
    services.appeal_callback(actor=request.user, appeal_id=appeal_id, satisfaction=payload.satisfaction,
                             note=payload.note, method=payload.method, expected_version=payload.row_version)
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/reopen", response=AppealDetailOut, operation_id="appeal_reopen",
             summary="不满意重办（仅一次）")
def appeal_reopen(request, appeal_id: int, payload: ReasonIn):
    services.appeal_reopen(actor=request.user, appeal_id=appeal_id, reason=payload.reason,
                           expected_version=payload.row_version)
    return _detail(request, appeal_id)


class ImportOut(Schema):
    created: list[str]
    skipped: list[str]


class TicketIn(Schema):
    ticket: str
    kind: str
    content: str
    title: str = ""
    name: str = ""
    phone: str = ""
    division_code: str = ""
    address: str = ""
    category: str = ""


@router.post("/import/hotline", response=ImportOut, operation_id="appeal_import",
             summary="导入 12345 热线工单（全部校验通过才导入；同一工单号不重复导入）")
def appeal_import(request, tickets: list[TicketIn]):
    result = hotline.import_tickets(actor=request.user, records=[t.dict() for t in tickets])
    return {"created": [a.number for a in result.created], "skipped": result.skipped}


@router.post("/import/hotline.csv", response=ImportOut, operation_id="appeal_import_csv",
             summary="导入 12345 热线工单 CSV")
def appeal_import_csv(request, file: File[UploadedFile]):
    result = hotline.import_tickets(actor=request.user, records=hotline.parse_csv(file))
    return {"created": [a.number for a in result.created], "skipped": result.skipped}


class KbHitOut(Schema):
    id: int
    kind: str
    question: str
    question_html: str
    snippet_html: str
    organisation: str
    legal_basis: str
    score: float


kb_router = Router(tags=["知识库"])


@kb_router.get("/search", response=list[KbHitOut], auth=None, operation_id="kb_search",
               summary="知识库全文检索（分词，支持短词；公开）")
def kb_search(request, q: str, kind: str = "", limit: int = 10):
    if not q.strip():
        raise ValidationError({"q": ["请输入检索词。"]})
    hits = search.search(q[:100], limit=max(1, min(limit, 50)), kind=kind)
    return [{"id": h.article.pk, "kind": h.article.kind, "question": h.article.question,
             "question_html": str(h.question_html), "snippet_html": str(h.snippet_html),
             "organisation": h.article.organisation.name, "legal_basis": h.article.legal_basis, "score": h.score}
            for h in hits]
