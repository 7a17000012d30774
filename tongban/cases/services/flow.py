"""The statutory flow after acceptance: excluded periods, review, decision, delivery,
withdrawal and termination."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import events
from tongban.core.permissions import deny

from ..models import (
    Case,
    Decision,
    Document,
    ExcludedPeriod,
    PauseKind,
    Status,
)
from ..permissions import is_applicant_of
from ._common import (
    _approvers,
    _clerks,
    _issue_document,
    _lock,
    _require_staff,
    _tell_applicant,
    _tell_staff,
    _today,
    _transition,
)
from .extension import lapse_extension_requests


@transaction.atomic
def case_pause(
    *,
    actor,
    case_id: int,
    kind: str,
    reason: str,
    basis: str = "",
    expected_version: int | None = None,
) -> Case:
    case = _lock(actor, case_id, "pause", expected_version)
    _require_staff(actor, "pause", case)
    if kind not in PauseKind.values:
        raise ValidationError({"kind": ["请选择特别程序类型。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明启动特别程序的理由。"]})
    today = _today()
    period = ExcludedPeriod.objects.create(
        case=case,
        kind=kind,
        reason=reason,
        basis=basis.strip() or "《中华人民共和国行政许可法》第四十五条",
        started_on=today,
        started_by=actor,
        resume_status=case.status,
    )
    _transition(
        case, action="pause", to=Status.PAUSED, actor=actor, note=reason, data={"kind": kind}
    )
    doc = _issue_document(
        case,
        Document.Kind.EXCLUSION,
        {
            "kind": period.get_kind_display(),
            "reason": reason,
            "basis": period.basis,
            "started_on": today.isoformat(),
        },
        today,
    )
    transaction.on_commit(
        lambda: _tell_applicant(
            case,
            f"{period.get_kind_display()}期间不计入审批时限",
            f"特别程序告知书 {doc.number}：{reason}",
        )
    )
    return case


@transaction.atomic
def case_resume(
    *, actor, case_id: int, findings: str = "", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "resume", expected_version)
    _require_staff(actor, "resume", case)
    period = case.excluded_periods.get(ended_on__isnull=True)
    today = _today()
    period.ended_on, period.ended_by, period.findings = today, actor, findings
    period.save(update_fields=["ended_on", "ended_by", "findings"])
    _transition(
        case,
        action="resume",
        to=period.resume_status,
        actor=actor,
        note=findings,
        data={"kind": period.kind},
    )
    transaction.on_commit(
        lambda: _tell_applicant(
            case,
            f"{period.get_kind_display()}结束，恢复计时",
            f"新的承诺办结日 {case.promised_due}。",
        )
    )
    return case


@transaction.atomic
def case_submit_review(
    *, actor, case_id: int, opinion: str, recommend: str, expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "submit_review", expected_version)
    _require_staff(actor, "submit_review", case)
    if recommend not in Decision.values:
        raise ValidationError({"recommend": ["请选择审查建议。"]})
    if not opinion.strip():
        raise ValidationError({"opinion": ["请填写审查意见。"]})
    _transition(
        case,
        action="submit_review",
        to=Status.DECISION,
        actor=actor,
        note=opinion,
        data={"recommend": recommend},
    )
    transaction.on_commit(lambda: _tell_staff(_approvers(case), case, "审查完毕，待签批"))
    return case


@transaction.atomic
def case_decide(
    *, actor, case_id: int, decision: str, reasons: str, expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "decide", expected_version)
    _require_staff(actor, "decide", case)
    if decision not in Decision.values:
        raise ValidationError({"decision": ["请选择准予许可或不予许可。"]})
    if decision == Decision.DENY and not reasons.strip():
        raise ValidationError(
            {"reasons": ["不予许可须说明理由，并告知申请人依法申请复议或提起诉讼的权利。"]}
        )
    today = _today()
    case.decision = decision
    case.concluded_on = today
    lapse_extension_requests(case)
    _transition(
        case,
        action="decide",
        to=Status.CONCLUDED,
        actor=actor,
        note=reasons,
        data={"decision": decision},
    )
    kind = Document.Kind.APPROVAL if decision == Decision.APPROVE else Document.Kind.DENIAL
    doc = _issue_document(
        case,
        kind,
        {
            "reasons": reasons,
            "decided_on": today.isoformat(),
            "result_name": case.version.result_name,
        },
        today,
    )
    label = case.get_decision_display()
    transaction.on_commit(
        lambda: _tell_applicant(case, label, f"{doc.get_kind_display()} {doc.number}")
    )
    events.publish("case.decided", case_id=case.pk, decision=decision)
    return case


@transaction.atomic
def case_deliver(
    *, actor, case_id: int, method: str = "电子送达", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "deliver", expected_version)
    _require_staff(actor, "deliver", case)
    case.delivered_on = _today()
    _transition(case, action="deliver", to=Status.DELIVERED, actor=actor, note=method)
    transaction.on_commit(lambda: _tell_applicant(case, "办理结果已送达", method))
    return case


@transaction.atomic
def case_withdraw(
    *, actor, case_id: int, reason: str = "", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "withdraw", expected_version)
    if not is_applicant_of(actor, case):
        raise deny(actor, "cases.withdraw", case)
    case.concluded_on = _today()
    lapse_extension_requests(case)
    if case.excluded_periods.filter(ended_on__isnull=True).exists():
        case.excluded_periods.filter(ended_on__isnull=True).update(ended_on=case.concluded_on)
    _transition(case, action="withdraw", to=Status.WITHDRAWN, actor=actor, note=reason)
    transaction.on_commit(
        lambda: _tell_staff(
            [case.handler] if case.handler else _clerks(case), case, "申请人已撤回申请"
        )
    )
    return case


@transaction.atomic
def case_terminate(
    *, actor, case_id: int, reason: str, expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "terminate", expected_version)
    _require_staff(actor, "terminate", case)
    if not reason.strip():
        raise ValidationError({"reason": ["请写明终止办理的理由。"]})
    case.concluded_on = _today()
    lapse_extension_requests(case)
    case.excluded_periods.filter(ended_on__isnull=True).update(ended_on=case.concluded_on)
    _transition(case, action="terminate", to=Status.TERMINATED, actor=actor, note=reason)
    transaction.on_commit(lambda: _tell_applicant(case, "办件已终止", reason))
    return case
