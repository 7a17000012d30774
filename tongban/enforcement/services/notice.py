"""Before the decision: prior notice (§44), statement and defence (§45), hearing (§63–64) and
legal review (§58)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.errors import Conflict

from .. import rules
from ..models import (
    Document,
    EnforcementCase,
    PenaltyKind,
    Procedure,
    Record,
    ReviewOpinion,
    Status,
)
from ..permissions import is_party_of
from ._common import (
    _today,
    d,
    issue_document,
    lock,
    require_staff,
    tell_party,
    tell_staff,
    transition,
    yuan,
)
from .investigation import _store_files


def _day(value, field: str, label: str, default: dt.date | None = None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not value and default is not None:
        return default
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [f"请填写{label}（格式 2026-01-31）。"]}) from None


def penalty_text(case: EnforcementCase) -> str:
    kind = PenaltyKind(case.penalty_kind).label if case.penalty_kind else "—"
    return f"{kind}{' 人民币 ' + yuan(case.fine_fen) + ' 元' if case.penalty_kind == 'fine' else ''}"


@transaction.atomic
def prior_notice(*, actor, case_id: int, expected_version: int | None = None) -> EnforcementCase:
    """§44: before a decision the party is told in writing the facts, reasons, basis and penalty
    proposed, and its rights to state, defend and (above the thresholds, §63) ask for a hearing."""
    case = lock(actor, case_id, "prior_notice", expected_version)
    require_staff(actor, "prior_notice", case)
    if not case.penalty_kind or case.penalty_kind == PenaltyKind.NOT_PUNISHED:
        raise Conflict("请先依据裁量基准拟定处罚，再制作行政处罚事先告知书（《行政处罚法》第四十四条）。", code="no_proposal")
    if case.procedure != Procedure.GENERAL:
        raise Conflict("简易程序案件当场作出决定，无需制作事先告知书。", code="summary")
    if not case.records.exclude(kind=Record.Kind.STATEMENT).exists():
        raise Conflict("依据《行政处罚法》第四十条、第五十四条，违法事实不清、证据不足的，不得给予行政处罚；"
                       "请先记录调查取证。", code="art40_no_evidence")
    today = _today()
    case.notice_on = today
    case.notified_kind = case.penalty_kind
    case.notified_fine_fen = case.fine_fen
    case.hearing_right = rules.hearing_right(case.penalty_kind, case.fine_fen, case.party_kind)
    item = case.baseline_item
    doc = issue_document(case, Document.Kind.PRIOR_NOTICE, {
        "violation": item.violation if item else "", "violated_provision": item.violated_provision if item else "",
        "penalty_provision": item.penalty_provision if item else "", "penalty": penalty_text(case),
        "baseline": case.proposal.get("baseline", ""), "clauses": case.proposal.get("clauses", []),
        "hearing_right": case.hearing_right, "statement_workdays": rules.value("STATEMENT_WORKDAYS"),
        "hearing_workdays": rules.value("HEARING_REQUEST_WORKDAYS"),
    }, today)
    case.notice_number = doc.number
    transition(case, action="prior_notice", to=Status.NOTIFIED, actor=actor, note=doc.number)
    return case


@transaction.atomic
def notice_deliver(*, actor, case_id: int, delivered_on=None, method: str = "直接送达",
                   expected_version: int | None = None) -> EnforcementCase:
    """The notice's delivery starts the statement and hearing-request periods (working days, §85)."""
    case = lock(actor, case_id, "deliver_notice", expected_version)
    require_staff(actor, "deliver_notice", case)
    if case.notice_delivered_on:
        raise Conflict("告知书已经送达。", code="delivered")
    on = _day(delivered_on, "delivered_on", "送达日期", _today())
    if on > _today() or on < case.notice_on:
        raise ValidationError({"delivered_on": ["送达日期不能早于告知日期，也不能晚于今天。"]})
    case.notice_delivered_on = on
    case.statement_until = rules.statement_until(on)
    case.hearing_request_until = rules.hearing_request_until(on) if case.hearing_right else None
    issue_document(case, Document.Kind.DELIVERY, {
        "document": f"行政处罚事先告知书（{case.notice_number}）", "delivered_on": on.isoformat(), "method": method,
    }, on)
    transition(case, action="deliver_notice", to=case.status, actor=actor, effective_on=on, note=method,
               data={"statement_until": case.statement_until.isoformat(),
                     "hearing_request_until": case.hearing_request_until.isoformat() if case.hearing_request_until else ""})
    tell_party(case, "行政处罚事先告知书已送达",
               f"您可以在 {case.statement_until} 前陈述、申辩" + (f"，在 {case.hearing_request_until} 前申请听证。"
                                                          if case.hearing_right else "。"))
    return case


def _party_or_staff(actor, case: EnforcementCase, action: str) -> None:
    if is_party_of(actor, case):
        return
    require_staff(actor, action, case)


@transaction.atomic
def statement_submit(*, actor, case_id: int, content: str, files=(), expected_version: int | None = None) -> Record:
    """The party's statement or defence (§45), by the party on the portal or recorded by an officer.
    Hearing it can never make the penalty heavier: the services cap every later penalty at the one
    notified."""
    case = lock(actor, case_id, "statement", expected_version)
    _party_or_staff(actor, case, "statement")
    if not case.notice_delivered_on:
        raise Conflict("告知书送达后才能提交陈述申辩。", code="not_delivered")
    if not (content or "").strip():
        raise ValidationError({"content": ["请填写陈述、申辩的内容。"]})
    record = Record.objects.create(case=case, kind=Record.Kind.STATEMENT, on=_today(), content=content.strip()[:20000],
                                   created_by=actor)
    _store_files(record, files, actor)
    transition(case, action="statement", to=case.status, actor=actor, note=content.strip()[:200],
               data={"record": record.pk})
    tell_staff(case.officers.all(), case, "当事人提交了陈述申辩")
    return record


@transaction.atomic
def hearing_request(*, actor, case_id: int, reason: str = "", expected_version: int | None = None) -> EnforcementCase:
    """§64(1): the party asks for a hearing within 5 working days of the notice's delivery."""
    case = lock(actor, case_id, "hearing_request", expected_version)
    _party_or_staff(actor, case, "hearing_request")
    if not case.hearing_right:
        raise Conflict("依据《行政处罚法》第六十三条，本案拟作出的处罚不属于应当告知听证权利的情形。", code="art63_no_right")
    if not case.notice_delivered_on:
        raise Conflict("告知书送达后才能申请听证。", code="not_delivered")
    today = _today()
    if today > case.hearing_request_until:
        raise Conflict(f"依据《行政处罚法》第六十四条，当事人应当在行政机关告知后五日内提出听证要求；"
                       f"申请期限已于{d(case.hearing_request_until)}届满。", code="art64_request_late")
    case.hearing_requested_on = today
    transition(case, action="hearing_request", to=Status.HEARING, actor=actor, note=(reason or "").strip()[:500])
    tell_staff(case.officers.all(), case, "当事人申请听证", "请在七日前通知听证的时间、地点（《行政处罚法》第六十四条）。")
    return case


@transaction.atomic
def hearing_schedule(*, actor, case_id: int, hearing_on, chair_id: int, public: bool = True, closed_reason: str = "",
                     place: str = "", expected_version: int | None = None) -> EnforcementCase:
    """§64: the party told at least 7 (working) days before; the chair is not an investigator of
    the case; public unless state secrets, trade secrets or privacy require otherwise."""
    from tongban.accounts.models import User

    case = lock(actor, case_id, "hearing_schedule", expected_version)
    require_staff(actor, "hearing_schedule", case)
    on = _day(hearing_on, "hearing_on", "听证日期")
    today = _today()
    earliest = rules.earliest_hearing(today)
    if on < earliest:
        raise Conflict(f"依据《行政处罚法》第六十四条，行政机关应当在举行听证的七日前通知当事人；"
                       f"今天通知的，听证最早安排在{d(earliest)}。", code="art64_notice_7_days")
    chair = User.objects.filter(pk=chair_id, is_active=True).select_related("organisation").first() if chair_id else None
    if chair is None or not chair.is_staff_member or not chair.organisation.path.startswith(case.organisation.agency().path):
        raise ValidationError({"chair_id": ["请选择本机关的工作人员担任听证主持人。"]})
    if chair.pk in case.investigator_ids:
        raise Conflict("依据《行政处罚法》第六十四条，听证由行政机关指定的非本案调查人员主持；"
                       f"{chair.display_name} 是本案调查人员，不能主持听证。", code="art64_chair_investigator")
    if not public and not (closed_reason or "").strip():
        raise ValidationError({"closed_reason": ["依据《行政处罚法》第六十四条，除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，"
                                                 "听证公开举行；不公开的，请写明理由。"]})
    case.hearing_on, case.hearing_notified_on, case.hearing_chair = on, today, chair
    case.hearing_public, case.hearing_closed_reason = bool(public), (closed_reason or "").strip()[:200]
    issue_document(case, Document.Kind.HEARING_NOTICE, {
        "hearing_on": on.isoformat(), "place": place, "chair": chair.display_name, "public": bool(public),
        "closed_reason": case.hearing_closed_reason,
    }, today)
    transition(case, action="hearing_schedule", to=case.status, actor=actor, note=f"{on} {place}",
               data={"chair": chair.pk})
    tell_party(case, "听证通知", f"听证定于 {on} 举行。")
    return case


@transaction.atomic
def hearing_hold(*, actor, case_id: int, held_on, record: str, files=(), expected_version: int | None = None):
    """The hearing record (听证笔录) attached; the case returns to decision, which now needs a
    legal review (§58: cases that went through a hearing)."""
    case = lock(actor, case_id, "hearing_hold", expected_version)
    require_staff(actor, "hearing_hold", case)
    on = _day(held_on, "held_on", "听证举行日期", _today())
    if not case.hearing_on or on < case.hearing_on or on > _today():
        raise ValidationError({"held_on": ["听证举行日期不能早于通知的听证日期，也不能晚于今天。"]})
    if not (record or "").strip():
        raise ValidationError({"record": ["请填写听证笔录。"]})
    row = Record.objects.create(case=case, kind=Record.Kind.HEARING, on=on, content=record.strip()[:20000],
                                created_by=actor)
    if case.hearing_chair_id:
        row.officers.set([case.hearing_chair_id])
    _store_files(row, files, actor)
    case.hearing_held_on = on
    case.review_opinion = ""  # reviewed again with the hearing's record
    transition(case, action="hearing_hold", to=Status.NOTIFIED, actor=actor, effective_on=on, data={"record": row.pk})
    return case


@transaction.atomic
def legal_review(*, actor, case_id: int, opinion: str, reasons: str, expected_version: int | None = None):
    """§58: the legal reviewer, never an investigator of the case, gives an opinion with reasons;
    the departure from the baseline, if any, is in front of them."""
    case = lock(actor, case_id, "legal_review", expected_version)
    require_staff(actor, "legal_review", case)
    if actor.pk in case.investigator_ids:
        raise Conflict("依据《行政处罚法》第五十八条，法制审核由行政机关法制审核人员进行；本案调查人员不能审核本案。",
                       code="art58_reviewer_investigator")
    if not case.penalty_kind:
        raise Conflict("尚未拟定处罚，无法审核。", code="no_proposal")
    if opinion not in ReviewOpinion.values:
        raise ValidationError({"opinion": ["请选择审核意见：同意、建议修改或不同意。"]})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": ["请写明审核理由。"]})
    today = _today()
    case.review_opinion, case.review_reasons = opinion, reasons.strip()[:5000]
    case.reviewed_by, case.reviewed_on = actor, today
    issue_document(case, Document.Kind.LEGAL_REVIEW, {
        "opinion": str(ReviewOpinion(opinion).label), "reasons": case.review_reasons, "reviewer": actor.display_name,
        "penalty": penalty_text(case), "departs": case.departs, "departure_reason": case.departure_reason,
        "baseline": case.proposal.get("baseline", ""), "clauses": case.proposal.get("clauses", []),
    }, today, for_party=False)
    transition(case, action="legal_review", to=case.status, actor=actor, note=f"{ReviewOpinion(opinion).label}：{reasons[:200]}",
               data={"opinion": opinion, "departs": case.departs})
    tell_staff(case.officers.all(), case, f"法制审核意见：{ReviewOpinion(opinion).label}")
    return case
