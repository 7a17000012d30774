"""Extending the decision period (《行政许可法》第四十二条): 二十日内不能作出决定的，经本行政机关
负责人批准，可以延长十日，并应当将延长期限的理由告知申请人。

The handler asks, with reasons, while the legal period runs; a different person holding the
approver role in scope approves or refuses, with reasons. On approval the legal due date moves
by the days asked (at most the item's limit, ten by default) on the platform's calendar; the
promised due date moves too only when the item says so. The applicant gets a numbered
延长审批期限告知书 with the new due date and a notification."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.core.errors import Conflict

from ..models import Case, Document, Extension
from ..state import legal_period_running
from ._common import (
    EXTENSION_DAYS,
    _approvers,
    _issue_document,
    _lock,
    _require_staff,
    _tell_applicant,
    _tell_staff,
    _today,
    _transition,
    recompute_clock,
)

LAW = "《中华人民共和国行政许可法》第四十二条"


def extension_limit(case: Case) -> int:
    """The working days an extension may add for this case's item (ten unless its law says otherwise)."""
    return case.version.extension_limit_days or EXTENSION_DAYS


def _period_over(case: Case, what: str) -> str:
    return (
        f"法定办结期限已于 {case.legal_due} 24:00 届满。依据{LAW}，延长审批期限须在二十日法定期限内"
        f"（即期限届满前）经本行政机关负责人批准，期限届满后不能再{what}。"
    )


@transaction.atomic
def case_extension_request(
    *,
    actor,
    case_id: int,
    reason: str,
    days: int | None = None,
    expected_version: int | None = None,
) -> Extension:
    """The handler asks the head of the agency to extend the decision period."""
    case = _lock(actor, case_id, "request_extension", expected_version)
    _require_staff(actor, "request_extension", case)
    today = _today()
    recompute_clock(case, today=today)  # the legal due date as of today (pauses count)
    if not legal_period_running(case, today):
        raise Conflict(_period_over(case, "申请延期"), code="extension_period_over")
    earlier = list(case.extensions.filter(status__in=[Extension.Status.PENDING, Extension.Status.APPROVED]))
    if any(e.status == Extension.Status.APPROVED for e in earlier):
        raise Conflict(f"本件已延长过审批期限。依据{LAW}，审批期限只能延长一次。", code="extend_once")
    if earlier:
        raise Conflict("本件已有一份延期申请待负责人审批，请等待审批结果。", code="extension_pending")
    limit = extension_limit(case)
    days = limit if days is None else days
    errors: dict[str, list[str]] = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= limit:
        errors["days"] = [f"依据{LAW}及本事项规定，延长期限为 1 至 {limit} 个工作日。"]
    if not reason.strip():
        errors["reason"] = ["请写明在法定期限内不能作出决定、需要延期的理由（将书面告知申请人）。"]
    if errors:
        raise ValidationError(errors)
    request = Extension.objects.create(
        case=case,
        days=days,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
        legal_due_before=case.legal_due,
    )
    _transition(
        case,
        action="request_extension",
        to=case.status,
        actor=actor,
        note=reason.strip(),
        data={"days": days, "extension": request.pk},
    )
    approvers = [u for u in _approvers(case) if u.pk != actor.pk]
    transaction.on_commit(
        lambda: _tell_staff(
            approvers, case, f"延期申请待审批（{days} 个工作日）", reason.strip(), level="warning"
        )
    )
    return request


@transaction.atomic
def case_extension_decide(
    *,
    actor,
    case_id: int,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Extension:
    """The head of the agency approves or refuses the open request; never their own."""
    case = _lock(actor, case_id, "decide_extension", expected_version)
    _require_staff(actor, "decide_extension", case)
    request = (
        Extension.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .filter(case=case, status=Extension.Status.PENDING)
        .first()
    )
    if request is None:
        raise Conflict("本件没有待审批的延期申请。", code="no_extension_request")
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            f"依据{LAW}，延长审批期限须经本行政机关负责人批准，申请人不能审批自己提出的延期申请，"
            "请由其他负责人审批。"
        )
    note = note.strip()
    today = _today()
    if not approve:
        if not note:
            raise ValidationError({"note": ["不批准延期须写明理由。"]})
        request.status = Extension.Status.REFUSED
        request.decided_by, request.decided_on, request.decision_note = actor, today, note
        request.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
        _transition(
            case, action="refuse_extension", to=case.status, actor=actor, note=note,
            data={"extension": request.pk},
        )
        requester = request.requested_by
        transaction.on_commit(lambda: _tell_staff([requester], case, "延期申请未获批准", note))
        return request
    recompute_clock(case, today=today)
    if not legal_period_running(case, today):
        raise Conflict(_period_over(case, "批准延期"), code="extension_period_over")
    moves_promised = case.version.extension_moves_promised
    case.extension_days = request.days
    case.promised_extension_days = request.days if moves_promised else 0
    _transition(
        case,
        action="approve_extension",
        to=case.status,
        actor=actor,
        note=note or request.reason,
        data={"days": request.days, "extension": request.pk, "moves_promised": moves_promised,
              "legal_due": case.legal_due.isoformat()},
    )
    request.status = Extension.Status.APPROVED
    request.decided_by, request.decided_on, request.decision_note = actor, today, note
    request.moves_promised = moves_promised
    request.legal_due_after = case.legal_due
    request.save(update_fields=["status", "decided_by", "decided_on", "decision_note",
                                "moves_promised", "legal_due_after"])
    doc = _issue_document(
        case,
        Document.Kind.EXTENSION,
        {
            "days": request.days,
            "reason": request.reason,
            "legal_due_before": request.legal_due_before.isoformat() if request.legal_due_before else "",
            "legal_due": case.legal_due.isoformat(),
            "promised_due": case.promised_due.isoformat() if case.promised_due else "",
            "moves_promised": moves_promised,
            "approved_on": today.isoformat(),
        },
        today,
    )
    requester = request.requested_by
    transaction.on_commit(
        lambda: _tell_applicant(
            case,
            f"审批期限延长 {request.days} 个工作日，至 {case.legal_due}",
            f"延长审批期限告知书 {doc.number}：{request.reason}",
        )
    )
    transaction.on_commit(
        lambda: _tell_staff([requester], case, f"延期申请已批准，法定期限至 {case.legal_due}")
    )
    return request


def lapse_extension_requests(case: Case) -> None:
    """A case decided or ended with a request still open: the request can no longer be decided."""
    case.extensions.filter(status=Extension.Status.PENDING).update(status=Extension.Status.LAPSED)


__all__ = [
    "LAW",
    "case_extension_decide",
    "case_extension_request",
    "extension_limit",
    "lapse_extension_requests",
]

