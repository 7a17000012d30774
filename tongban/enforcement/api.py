"""Enforcement API: thin over services and selectors; every operation has a stable operation id.
Refused steps answer 409 (a legal precondition, with the article) or 422 (bad input)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from tongban.accounts.models import Organisation
from tongban.core.permissions import in_scope, require

from . import selectors, services
from .models import EnforcementCase
from .permissions import get_case_for
from .state import available_actions

router = Router(tags=["行政执法"])


class EnforcementCaseOut(Schema):
    id: int
    number: str
    organisation: str
    status: str
    status_label: str
    source: str
    party_kind: str
    party_name: str
    facts: str
    procedure: str
    registered_on: dt.date | None
    decision_due: dt.date | None
    penalty_kind: str
    fine_fen: int
    departs: bool
    proposal: dict
    notice_number: str
    notice_delivered_on: dt.date | None
    statement_until: dt.date | None
    hearing_right: bool
    hearing_request_until: dt.date | None
    review_opinion: str
    decision_number: str
    decided_on: dt.date | None
    delivered_on: dt.date | None
    payment_due: dt.date | None
    published_on: dt.date | None
    publish_due: dt.date | None
    revoked: bool
    rereview_due: dt.date | None
    rereview_outcome: str
    warning: str
    row_version: int
    available_actions: list[str]

    @staticmethod
    def resolve_organisation(obj: EnforcementCase) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status_label(obj: EnforcementCase) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_party_name(obj: EnforcementCase) -> str:
        return obj.party_display

    @staticmethod
    def resolve_available_actions(obj: EnforcementCase, context) -> list[str]:
        return [a.value for a in available_actions(context["request"].user, obj)]


class EnforcementVersioned(Schema):
    row_version: int | None = None


class CreateIn(Schema):
    organisation_id: int
    source: str = "discovery"
    source_ref: str = ""
    appeal_id: int | None = None
    party_kind: str
    party_name: str
    party_uscc: str = ""
    party_id_number: str = ""
    party_address: str = ""
    facts: str = ""
    act_on: dt.date
    act_ended_on: dt.date | None = None
    serious_harm: bool = False
    is_major: bool = False
    officer_ids: list[int] = []


class NoteIn(EnforcementVersioned):
    note: str = ""


class RecordIn(EnforcementVersioned):
    kind: str
    on: dt.date | None = None
    content: str
    place: str = ""
    officer_ids: list[int]


class ProposeIn(EnforcementVersioned):
    baseline_item_id: int
    facts: list[str] = []
    penalty_kind: str = ""
    fine_fen: int | None = None
    departure_reason: str = ""
    procedure: str = "general"


class StatementIn(EnforcementVersioned):
    content: str


class HearingIn(EnforcementVersioned):
    reason: str = ""


class ReviewIn(EnforcementVersioned):
    opinion: str
    reasons: str


class EnforcementDecideIn(EnforcementVersioned):
    penalty_kind: str = ""
    fine_fen: int | None = None
    reasons: str = ""
    education_record: str = ""
    departure_reason: str = ""


class DeliverIn(EnforcementVersioned):
    document: str = "decision"  # "notice" (先行告知书) or "decision" (决定书)
    delivered_on: dt.date | None = None
    method: str = "直接送达"


class RereviewIn(EnforcementVersioned):
    outcome: str
    reason: str


class BaselineClauseOut(Schema):
    code: str
    circumstance: str
    condition: str
    low_pct: float
    high_pct: float
    penalty_kind: str


class BaselineItemOut(Schema):
    code: str
    violation: str
    violated_provision: str
    penalty_provision: str
    scheme: str
    min_fen: int
    max_fen: int
    clauses: list[BaselineClauseOut]

    @staticmethod
    def resolve_clauses(obj):
        return list(obj.clauses.all())


class BaselineOut(Schema):
    id: int
    organisation: str
    code: str
    version: int
    title: str
    effective_from: dt.date
    state: str = Field(description="pending 待施行 / in_force 施行中 / superseded 已废止")
    items: list[BaselineItemOut]

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_state(obj):
        return obj.state

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.prefetch_related("clauses"))


def _out(request, case: EnforcementCase) -> EnforcementCase:
    return get_case_for(request.user, case.pk)


@router.get("/cases/", response=list[EnforcementCaseOut], operation_id="enforcement_case_list")
def case_list(request, queue: str = "", status: str = "", q: str = ""):
    require(request.user, "enforcement.view")
    return list(selectors.case_list(request.user, queue=queue, status=status, q=q)[:200])


@router.post("/cases/", response={201: EnforcementCaseOut}, operation_id="enforcement_case_create")
def case_create(request, body: CreateIn):
    org = get_object_or_404(Organisation, pk=body.organisation_id)
    if not in_scope(request.user, org):
        from django.http import Http404

        raise Http404("机构不存在或不在您的管辖范围内。")
    data = body.dict()
    case = services.case_create(actor=request.user, organisation=org, data=data, officer_ids=body.officer_ids,
                                appeal_id=body.appeal_id)
    return 201, _out(request, case)


@router.get("/cases/{case_id}/", response=EnforcementCaseOut, operation_id="enforcement_case_get")
def case_get(request, case_id: int):
    return get_case_for(request.user, case_id)


@router.post("/cases/{case_id}/register/", response=EnforcementCaseOut, operation_id="enforcement_case_register")
def case_register(request, case_id: int, body: NoteIn):
    return _out(request, services.case_register(actor=request.user, case_id=case_id, note=body.note,
                                                expected_version=body.row_version))


@router.post("/cases/{case_id}/records/", response={201: dict}, operation_id="enforcement_record_add")
def record_add(request, case_id: int, body: RecordIn):
    record = services.record_add(actor=request.user, case_id=case_id, kind=body.kind, on=body.on, content=body.content,
                                 place=body.place, officer_ids=body.officer_ids, expected_version=body.row_version)
    return 201, {"id": record.pk, "kind": record.kind, "on": record.on.isoformat(),
                 "certificate_numbers": record.certificate_numbers}


@router.post("/cases/{case_id}/propose/", response=EnforcementCaseOut, operation_id="enforcement_penalty_propose")
def penalty_propose(request, case_id: int, body: ProposeIn):
    return _out(request, services.penalty_propose(
        actor=request.user, case_id=case_id, baseline_item_id=body.baseline_item_id, facts=body.facts,
        penalty_kind=body.penalty_kind, fine_fen=body.fine_fen, departure_reason=body.departure_reason,
        procedure=body.procedure, expected_version=body.row_version))


@router.post("/cases/{case_id}/prior-notice/", response=EnforcementCaseOut, operation_id="enforcement_prior_notice")
def prior_notice(request, case_id: int, body: EnforcementVersioned):
    return _out(request, services.prior_notice(actor=request.user, case_id=case_id, expected_version=body.row_version))


@router.post("/cases/{case_id}/statements/", response={201: dict}, operation_id="enforcement_statement_submit")
def statement_submit(request, case_id: int, body: StatementIn):
    record = services.statement_submit(actor=request.user, case_id=case_id, content=body.content,
                                       expected_version=body.row_version)
    return 201, {"id": record.pk, "on": record.on.isoformat()}


@router.post("/cases/{case_id}/hearing-request/", response=EnforcementCaseOut, operation_id="enforcement_hearing_request")
def hearing_request(request, case_id: int, body: HearingIn):
    return _out(request, services.hearing_request(actor=request.user, case_id=case_id, reason=body.reason,
                                                  expected_version=body.row_version))


@router.post("/cases/{case_id}/legal-review/", response=EnforcementCaseOut, operation_id="enforcement_legal_review")
def legal_review(request, case_id: int, body: ReviewIn):
    return _out(request, services.legal_review(actor=request.user, case_id=case_id, opinion=body.opinion,
                                               reasons=body.reasons, expected_version=body.row_version))


@router.post("/cases/{case_id}/decide/", response=EnforcementCaseOut, operation_id="enforcement_decide")
def decide(request, case_id: int, body: EnforcementDecideIn):
    return _out(request, services.case_decide(
        actor=request.user, case_id=case_id, penalty_kind=body.penalty_kind, fine_fen=body.fine_fen,
        reasons=body.reasons, education_record=body.education_record, departure_reason=body.departure_reason,
        expected_version=body.row_version))


@router.post("/cases/{case_id}/deliver/", response=EnforcementCaseOut, operation_id="enforcement_deliver")
def deliver(request, case_id: int, body: DeliverIn):
    if body.document == "notice":
        case = services.notice_deliver(actor=request.user, case_id=case_id, delivered_on=body.delivered_on,
                                       method=body.method, expected_version=body.row_version)
    elif body.document == "decision":
        case = services.case_deliver(actor=request.user, case_id=case_id, delivered_on=body.delivered_on,
                                     method=body.method, expected_version=body.row_version)
    else:
        from django.core.exceptions import ValidationError

        raise ValidationError({"document": ["送达文书应为 notice（事先告知书）或 decision（处罚决定书）。"]})
    return _out(request, case)


@router.post("/cases/{case_id}/publish/", response=EnforcementCaseOut, operation_id="enforcement_publish")
def publish(request, case_id: int, body: EnforcementVersioned):
    return _out(request, services.case_publish(actor=request.user, case_id=case_id, expected_version=body.row_version))


@router.post("/cases/{case_id}/rereview/", response=EnforcementCaseOut, operation_id="enforcement_rereview")
def rereview(request, case_id: int, body: RereviewIn):
    return _out(request, services.case_rereview(actor=request.user, case_id=case_id, outcome=body.outcome,
                                                reason=body.reason, expected_version=body.row_version))


@router.get("/baselines/", response=list[BaselineOut], auth=None, operation_id="enforcement_baseline_list",
            url_name="enforcement_baseline_list", summary="已公布的行政处罚裁量基准")
def baseline_list(request):
    """Public: the published discretion baselines (裁量基准) with their state, as on the portal."""
    return selectors.published_baselines()
