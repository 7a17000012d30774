"""The decision and after: the numbered 行政处罚决定书 (§59–60), delivery (§61), payment and the
late surcharge (§67, §72), execution and closing, publicity and its withdrawal (§48), the
internal re-review (Shenyang seed) and supervision presses."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from tongban.core import events
from tongban.core import supervision as core_supervision
from tongban.core.errors import Conflict

from .. import rules
from ..models import (
    Document,
    EnforcementCase,
    PenaltyKind,
    Procedure,
    Record,
    RereviewOutcome,
    ReviewOpinion,
    Status,
)
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
from .investigation import check_art45, check_art51, proposal_for
from .notice import _day, penalty_text

DECIDED = "enforcement.decided"
PUBLISHED = "enforcement.published"
REVOKED = "enforcement.revoked"


def decide_blockers(case: EnforcementCase, today: dt.date) -> list[tuple[str, str]]:
    """Each legal precondition of the decision that does not hold yet, as (code, message). The
    page shows them before the head tries; the service refuses with the first."""
    out: list[tuple[str, str]] = []
    if case.decision_due and today > case.decision_due:
        out.append(("art60_overdue", f"依据《行政处罚法》第六十条，行政处罚案件应当自立案之日起九十日内作出决定；本案办案期限已于"
                    f"{d(case.decision_due)}届满，须经负责人批准延长后方可作出决定。"))
    if case.status == Status.HEARING:
        out.append(("art64_hearing_open", "依据《行政处罚法》第六十四条、第六十五条，当事人已申请听证，听证结束并根据听证笔录审查后方可作出决定。"))
    kind = case.penalty_kind
    punished = kind and kind != PenaltyKind.NOT_PUNISHED
    if punished and case.procedure == Procedure.GENERAL:
        if not case.notice_on:
            out.append(("art44_no_notice", "依据《行政处罚法》第四十四条，作出行政处罚决定之前，应当告知当事人拟作出的处罚内容及事实、理由、依据，"
                        "并告知其陈述、申辩、要求听证等权利；本案尚未先行告知。"))
        elif not case.notice_delivered_on:
            out.append(("art44_not_delivered", "依据《行政处罚法》第四十四条，未送达行政处罚事先告知书，不得作出处罚决定。"))
        else:
            if case.statement_until and today <= case.statement_until:
                out.append(("art45_statement_period", f"依据《行政处罚法》第四十五条，当事人有权陈述、申辩；陈述申辩期限至"
                            f"{d(case.statement_until)}，期满前不得作出决定。"))
            if case.hearing_right and not case.hearing_requested_on and case.hearing_request_until \
                    and today <= case.hearing_request_until:
                out.append(("art64_request_window", f"依据《行政处罚法》第六十四条，当事人可以在告知后五日内要求听证；听证申请期限至"
                            f"{d(case.hearing_request_until)}，期满前不得作出决定。"))
    hearing_held = bool(case.hearing_held_on)
    needs_review = punished and rules.review_required(
        party_kind=case.party_kind, kind=kind, is_major=case.is_major, hearing_held=hearing_held,
        hearing_right=case.hearing_right, procedure=case.procedure)
    if needs_review and case.review_opinion != ReviewOpinion.AGREE:
        state = f"审核意见为“{ReviewOpinion(case.review_opinion).label}”" if case.review_opinion else "尚未经法制审核"
        out.append(("art58_legal_review", f"依据《行政处罚法》第五十八条，本案须经法制审核且审核同意后方可作出决定；{state}。"))
    if case.is_major and not case.collective_on:
        out.append(("art57_collective", "依据《行政处罚法》第五十七条，对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定；"
                    "本案尚无集体讨论记录。"))
    return out


@transaction.atomic
def case_decide(*, actor, case_id: int, penalty_kind: str = "", fine_fen: int | None = None, reasons: str = "",
                education_record: str = "", departure_reason: str = "",
                expected_version: int | None = None) -> EnforcementCase:
    """The head decides. Every precondition of the law is checked here (see decide_blockers)."""
    case = lock(actor, case_id, "decide", expected_version,
                allowed=[Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING])
    require_staff(actor, "decide", case)
    if not case.penalty_kind:
        raise Conflict("尚未依据裁量基准拟定处罚，不能作出决定。", code="no_proposal")
    if actor.pk in case.investigator_ids:
        raise Conflict("依据《行政处罚法》第五十七条，调查终结后由行政机关负责人对调查结果进行审查并作出决定；"
                       "本案调查人员不能作出本案决定。", code="art57_decider_investigator")
    kind = penalty_kind or case.penalty_kind
    if kind not in PenaltyKind.values:
        raise ValidationError({"penalty_kind": ["请选择处罚种类。"]})
    fine = case.fine_fen if fine_fen is None and kind == case.penalty_kind else int(fine_fen or 0)
    if kind != PenaltyKind.FINE:
        fine = 0
    elif fine <= 0:
        raise ValidationError({"fine_fen": ["罚款金额必须大于零。"]})
    if case.status == Status.INVESTIGATING and kind != PenaltyKind.NOT_PUNISHED and case.procedure == Procedure.GENERAL:
        raise Conflict("依据《行政处罚法》第四十四条，作出行政处罚决定之前，应当告知当事人拟作出的处罚内容及事实、理由、依据；"
                       "本案尚未先行告知。", code="art44_no_notice")
    case_view = EnforcementCase(**{f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields})
    case_view.penalty_kind, case_view.fine_fen = kind, fine
    blockers = decide_blockers(case_view, _today())
    if blockers:
        code, message = blockers[0]
        raise Conflict(message, code=code)
    check_art51(case, kind, fine)
    check_art45(case, kind, fine)
    if kind == PenaltyKind.NOT_PUNISHED and not (education_record or "").strip():
        raise ValidationError({"education_record": [
            "依据《行政处罚法》第三十三条，对当事人的违法行为依法不予行政处罚的，应当对当事人进行教育；请填写教育记录。"]})
    proposal = proposal_for(case.baseline_item, case.circumstances) if case.baseline_item else None
    at_proposal = bool(proposal and proposal.within(kind, fine))
    reason = (departure_reason or "").strip() or case.departure_reason
    if not at_proposal and not reason:
        raise ValidationError({"departure_reason": ["决定与裁量基准的建议不一致，须书面说明偏离理由。"]})
    today = _today()
    case.penalty_kind, case.fine_fen = kind, fine
    case.departs, case.departure_reason = (not at_proposal), (reason if not at_proposal else "")
    case.at_proposal = at_proposal
    case.decided_on, case.decided_by = today, actor
    case.delivery_due = rules.delivery_due(today)
    punished = kind != PenaltyKind.NOT_PUNISHED
    case.publish_due = rules.publish_due(today) if punished else None
    case.rereview_due = rules.rereview_due(today) if punished else None
    item = case.baseline_item
    doc_kind = Document.Kind.DECISION if punished else Document.Kind.NOT_PUNISHED
    if not punished:
        case.education_record = education_record.strip()[:5000]
        Record.objects.create(case=case, kind=Record.Kind.EDUCATION, on=today, content=case.education_record,
                              created_by=actor)
    doc = issue_document(case, doc_kind, {
        "violation": item.violation if item else "", "violated_provision": item.violated_provision if item else "",
        "penalty_provision": item.penalty_provision if item else "", "penalty": penalty_text(case),
        "reasons": (reasons or "").strip(), "baseline": case.proposal.get("baseline", ""),
        "clauses": case.proposal.get("clauses", []), "circumstance": case.proposal.get("circumstance", ""),
        "fine_fen": fine, "payment_days": rules.value("PAYMENT_DAYS"), "education_record": case.education_record,
        "decided_by": actor.display_name,
    }, today)
    case.decision_number = doc.number
    # a new decision (after a correction) starts its own publicity
    case.published_on, case.revoked, case.revoked_reason, case.revoked_on, case.withdraw_due = None, False, "", None, None
    transition(case, action="decide", to=Status.DECIDED, actor=actor, note=f"{doc.number} {penalty_text(case)}",
               data={"at_proposal": at_proposal, "departs": case.departs, "fine_fen": fine})
    events.publish(DECIDED, case_id=case.pk)
    tell_staff(case.officers.all(), case, "已作出决定", f"请在 {case.delivery_due} 前送达（《行政处罚法》第六十一条）。")
    return case


@transaction.atomic
def case_deliver(*, actor, case_id: int, delivered_on=None, method: str = "直接送达",
                 expected_version: int | None = None) -> EnforcementCase:
    """§61: the decision delivered (送达回证); a fine is due 15 days after (§67)."""
    case = lock(actor, case_id, "deliver", expected_version)
    require_staff(actor, "deliver", case)
    on = _day(delivered_on, "delivered_on", "送达日期", _today())
    if on > _today() or on < case.decided_on:
        raise ValidationError({"delivered_on": ["送达日期不能早于决定日期，也不能晚于今天。"]})
    case.delivered_on, case.delivery_method = on, (method or "直接送达")[:40]
    case.payment_due = rules.payment_due(on) if case.penalty_kind == PenaltyKind.FINE else None
    issue_document(case, Document.Kind.DELIVERY, {
        "document": f"{'行政处罚决定书' if case.penalty_kind != 'not_punished' else '不予行政处罚决定书'}（{case.decision_number}）",
        "delivered_on": on.isoformat(), "method": case.delivery_method,
    }, on)
    transition(case, action="deliver", to=Status.EXECUTING, actor=actor, effective_on=on, note=case.delivery_method,
               data={"payment_due": case.payment_due.isoformat() if case.payment_due else ""})
    tell_party(case, "决定书已送达", f"罚款请于 {case.payment_due} 前缴纳；逾期每日加处罚款数额 3% 的加处罚款（《行政处罚法》第七十二条）。"
               if case.payment_due else "")
    return case


def amount_due(case: EnforcementCase, on: dt.date | None = None) -> dict:
    """The fine, the late surcharge to date (§72: 3% a day, never above the fine) and the total."""
    on = on or _today()
    if case.penalty_kind != PenaltyKind.FINE or not case.payment_due:
        return {"fine_fen": case.fine_fen, "surcharge_fen": 0, "total_fen": case.fine_fen, "days_late": 0}
    until = case.paid_on or on
    extra = rules.surcharge(case.fine_fen, case.payment_due, until)
    return {"fine_fen": case.fine_fen, "surcharge_fen": extra, "total_fen": case.fine_fen + extra,
            "days_late": max(0, (until - case.payment_due).days)}


@transaction.atomic
def case_execute(*, actor, case_id: int, paid_on=None, paid_fen: int = 0, note: str = "",
                 expected_version: int | None = None) -> EnforcementCase:
    case = lock(actor, case_id, "execute", expected_version)
    require_staff(actor, "execute", case)
    if case.penalty_kind == PenaltyKind.FINE:
        on = _day(paid_on, "paid_on", "缴款日期", _today())
        if on > _today() or on < case.delivered_on:
            raise ValidationError({"paid_on": ["缴款日期不能早于送达日期，也不能晚于今天。"]})
        case.paid_on = on
        due = amount_due(case, on)
        if int(paid_fen or 0) < due["total_fen"]:
            case.paid_on = None
            raise ValidationError({"paid_fen": [f"应缴 {yuan(due['total_fen'])} 元（罚款 {yuan(due['fine_fen'])} 元，"
                                                f"加处罚款 {yuan(due['surcharge_fen'])} 元，《行政处罚法》第七十二条），实缴金额不足。"]})
        case.paid_fen = int(paid_fen)
    case.executed_note = (note or "").strip()[:2000]
    transition(case, action="execute", to=case.status, actor=actor, note=case.executed_note,
               data={"paid_fen": case.paid_fen})
    return case


@transaction.atomic
def case_close(*, actor, case_id: int, note: str = "", expected_version: int | None = None) -> EnforcementCase:
    case = lock(actor, case_id, "close", expected_version)
    require_staff(actor, "close", case)
    if case.penalty_kind == PenaltyKind.FINE and not case.paid_on and not (note or "").strip():
        raise Conflict("罚款尚未缴纳；未缴清的，请写明申请人民法院强制执行等情况后再结案（《行政处罚法》第七十二条）。",
                       code="unpaid")
    case.closed_on = _today()
    transition(case, action="close", to=Status.CLOSED, actor=actor, note=(note or "").strip()[:2000])
    return case


@transaction.atomic
def case_publish(*, actor, case_id: int, expected_version: int | None = None) -> EnforcementCase:
    """§48 / 双公示: the decision published (due within 7 working days of it [K]); credit makes
    its record from the event."""
    case = lock(actor, case_id, "publish", expected_version)
    require_staff(actor, "publish", case)
    if case.penalty_kind == PenaltyKind.NOT_PUNISHED:
        raise Conflict("不予行政处罚决定不属于行政处罚决定公示范围。", code="not_punished")
    if case.published_on:
        raise Conflict("该决定已经公示。", code="published")
    if case.revoked:
        raise Conflict("该决定已变更或撤销，不能公示。", code="revoked")
    case.published_on = _today()
    transition(case, action="publish", to=case.status, actor=actor,
               note="逾期公示" if case.published_on > case.publish_due else "",
               data={"publish_due": case.publish_due.isoformat(), "late": case.published_on > case.publish_due})
    events.publish(PUBLISHED, case_id=case.pk)
    return case


def _withdraw(case: EnforcementCase, reason: str) -> None:
    today = _today()
    case.revoked, case.revoked_reason, case.revoked_on = True, reason, today
    case.withdraw_due = rules.withdraw_due(today)
    events.publish(REVOKED, case_id=case.pk)


@transaction.atomic
def case_revoke(*, actor, case_id: int, reason: str, expected_version: int | None = None) -> EnforcementCase:
    """§48(2): a changed or revoked decision is withdrawn from publicity within 3 working days,
    with the reason; the public page stops showing it at once."""
    case = lock(actor, case_id, "revoke", expected_version)
    require_staff(actor, "revoke", case)
    if not case.published_on or case.revoked:
        raise Conflict("只有已公示且未撤回的决定可以撤回公示。", code="not_published")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["依据《行政处罚法》第四十八条，撤回公示应当说明理由（决定被变更、撤销或确认违法、无效）。"]})
    _withdraw(case, reason.strip()[:2000])
    transition(case, action="revoke", to=case.status, actor=actor, note=case.revoked_reason,
               data={"withdraw_due": case.withdraw_due.isoformat()})
    return case


@transaction.atomic
def case_rereview(*, actor, case_id: int, outcome: str, reason: str, expected_version: int | None = None):
    """Internal re-review (Shenyang seed 001): within one month of the decision, by someone who
    took no part in the case. A correction reopens the case and withdraws its publication."""
    case = lock(actor, case_id, "rereview", expected_version)
    require_staff(actor, "rereview", case)
    if case.penalty_kind == PenaltyKind.NOT_PUNISHED:
        raise Conflict("不予处罚案件不属于裁量处罚内部复核范围。", code="not_punished")
    if case.rereview_outcome:
        raise Conflict("本案已经内部复核。", code="rereviewed")
    took_part = case.investigator_ids | {case.decided_by_id, case.reviewed_by_id, case.hearing_chair_id,
                                         case.registered_by_id}
    if actor.pk in took_part:
        raise Conflict("裁量处罚的内部复核应当由未参与本案办理的人员进行（沈阳市优化营商环境方案：处罚决定作出后一个月内内部复核）；"
                       "您参与了本案，不能复核。", code="rereview_participant")
    if outcome not in RereviewOutcome.values:
        raise ValidationError({"outcome": ["请选择复核结果：维持或予以纠正。"]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请写明复核意见。"]})
    today = _today()
    case.rereview_outcome, case.rereview_reason = outcome, reason.strip()[:5000]
    case.rereviewed_by, case.rereviewed_on = actor, today
    late = bool(case.rereview_due and today > case.rereview_due)
    if outcome == RereviewOutcome.UPHELD:
        transition(case, action="rereview", to=case.status, actor=actor, note=f"维持：{case.rereview_reason[:200]}",
                   data={"outcome": outcome, "late": late})
        return case
    # a correction: withdraw what was published, and reopen the investigation by rule
    if case.published_on and not case.revoked:
        _withdraw(case, f"内部复核予以纠正：{case.rereview_reason}"[:2000])
    case.reopen_count += 1
    for name in ("decision_number", "delivery_method", "executed_note", "review_opinion", "review_reasons"):
        setattr(case, name, "")
    # a new notice must be delivered again; the one notified stays the §45 ceiling
    for name in ("decided_on", "decided_by", "delivery_due", "delivered_on", "payment_due", "paid_on", "closed_on",
                 "reviewed_on", "reviewed_by", "publish_due", "notice_on", "notice_delivered_on", "statement_until",
                 "hearing_request_until", "hearing_requested_on", "hearing_on", "hearing_notified_on",
                 "hearing_held_on", "hearing_chair"):
        setattr(case, name, None)
    case.notice_number = ""
    case.paid_fen = 0
    case.decision_due = rules.decision_due(today)
    transition(case, action="rereview", to=Status.INVESTIGATING, actor=actor,
               note=f"予以纠正，重新办理：{case.rereview_reason[:200]}", data={"outcome": outcome, "late": late})
    # the next decision is re-reviewed in its turn
    case.rereview_outcome = ""
    case.rereview_due = None
    case.save(update_fields=["rereview_outcome", "rereview_due"])
    tell_staff(case.officers.all(), case, "内部复核予以纠正，案件重新办理", case.rereview_reason)
    tell_party(case, "执法机关对处罚决定予以纠正", "案件将重新办理，结果另行告知。")
    return case


@transaction.atomic
def case_press(*, actor, case_id: int, note: str):
    case = lock(actor, case_id, "press")
    require_staff(actor, "press", case)
    return core_supervision.press(
        actor=actor, obj=case, note=note, notify_users=list(case.officers.all()),
        title=f"督办：{case.number}", url=reverse("enforcement:detail", args=[case.pk]), warning=case.warning,
    )
