"""The statutory flow: window decisions, review, excluded periods, extension, decision,
delivery, withdrawal and termination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import attachments, events
from tongban.core.errors import Conflict
from tongban.core.permissions import deny

from ..models import (
    Case,
    CaseMaterial,
    Decision,
    Document,
    ExcludedPeriod,
    Extension,
    PauseKind,
    Status,
    SupplementNotice,
)
from ..permissions import is_applicant_of
from ..state import acceptance_window_closed
from ._common import (
    ACCEPTANCE_DAYS,
    EXTENSION_DAYS,
    _approvers,
    _clerks,
    _issue_document,
    _lock,
    _require_staff,
    _tell_applicant,
    _tell_staff,
    _today,
    _transition,
    window_closed_message,
)
from .submission import _store_materials


@transaction.atomic
def case_accept(
    *, actor, case_id: int, note: str = "", expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "accept", expected_version)
    _require_staff(actor, "accept", case)
    today = _today()
    late = acceptance_window_closed(case, today)
    # 《行政许可法》第三十二条: past the acceptance period the application is already accepted by
    # law as of receipt, so a late acceptance dates from receipt and the decision clocks with it.
    case.accepted_on = case.received_on if late else today
    case.deemed_accepted = late
    case.handler = case.handler or actor
    if late:
        note = (note + "；" if note else "") + window_closed_message(case, "")
    _transition(
        case, action="accept", to=Status.REVIEW, actor=actor, note=note,
        effective_on=case.accepted_on,
    )
    doc = _issue_document(
        case,
        Document.Kind.ACCEPTANCE,
        {
            "accepted_on": case.accepted_on.isoformat(),
            "promised_due": case.promised_due.isoformat(),
            "legal_due": case.legal_due.isoformat(),
            **({"deemed": True, "note": note} if late else {}),
        },
        today,
    )
    transaction.on_commit(
        lambda: _tell_applicant(
            case, "已受理", f"受理通知书 {doc.number}；承诺 {case.promised_due} 前办结。"
        )
    )
    return case


def case_deem_accept(*, case_id: int, today: dt.date | None = None) -> Case | None:
    """《行政许可法》第三十二条: no acceptance, refusal or supplement notice within the acceptance
    period means the application is accepted as of the day it was received. The sweep calls this
    for each overdue case; it goes through the same transition as a clerk's acceptance (row,
    audit event, numbered 受理通知书 dated the receipt day). Returns None when the case is no
    longer due (accepted meanwhile, or taken by another worker)."""
    from tongban.accounts.selectors import supervisors_of

    today = today or _today()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=Status.SUBMITTED).first()
        if case is None or case.acceptance_due is None or case.acceptance_due >= today:
            return None
        limit = case.version.acceptance_limit_days or ACCEPTANCE_DAYS
        why = (
            f"自 {case.received_on} 收件起 {limit} 个工作日内（至 {case.acceptance_due} 24:00）"
            "未作出受理、不予受理或补正告知，依《中华人民共和国行政许可法》第三十二条视为受理，"
            "受理日期为收件之日。"
        )
        case.deemed_accepted = True
        case.accepted_on = case.received_on
        _transition(
            case, action="deem_accept", to=Status.REVIEW, actor=None, note=why,
            effective_on=case.received_on, today=today, actor_name="系统（电子监察）",
        )
        doc = _issue_document(
            case,
            Document.Kind.ACCEPTANCE,
            {
                "accepted_on": case.received_on.isoformat(),
                "promised_due": case.promised_due.isoformat(),
                "legal_due": case.legal_due.isoformat(),
                "deemed": True,
                "note": why,
            },
            case.received_on,
        )
        supervisors = supervisors_of(case.organisation)
        transaction.on_commit(
            lambda: _tell_applicant(case, "已视为受理", f"{why}受理通知书 {doc.number}。")
        )
        transaction.on_commit(
            lambda: _tell_staff(supervisors, case, "逾期未受理，已视为受理", why, level="warning")
        )
    return case


@transaction.atomic
def case_reject(
    *, actor, case_id: int, reasons: str, basis: str, expected_version: int | None = None
) -> Case:
    case = _lock(actor, case_id, "reject", expected_version)
    _require_staff(actor, "reject", case)
    if acceptance_window_closed(case, _today()):
        raise Conflict(window_closed_message(case, "作出不予受理决定"), code="acceptance_period_over")
    errors = {}
    if not reasons.strip():
        errors["reasons"] = ["请写明不予受理的理由。"]
    if not basis.strip():
        errors["basis"] = ["请写明不予受理的法律依据。"]
    if errors:
        raise ValidationError(errors)
    today = _today()
    case.concluded_on = today
    _transition(
        case, action="reject", to=Status.REJECTED, actor=actor, note=reasons, data={"basis": basis}
    )
    doc = _issue_document(
        case, Document.Kind.REJECTION, {"reasons": reasons, "basis": basis}, today
    )
    transaction.on_commit(
        lambda: _tell_applicant(case, "不予受理", f"不予受理决定书 {doc.number}。理由：{reasons}")
    )
    return case


@transaction.atomic
def case_request_supplement(
    *,
    actor,
    case_id: int,
    items: list[Mapping],
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """The one-time notification: everything missing or defective, at once. A second request for
    the same case is refused (《行政许可法》第三十二条)."""
    case = _lock(actor, case_id, "request_supplement", expected_version)
    _require_staff(actor, "request_supplement", case)
    if acceptance_window_closed(case, _today()):
        raise Conflict(window_closed_message(case, "要求补正"), code="acceptance_period_over")
    if case.supplement_count >= 1:
        raise Conflict(
            "本件已发出过一次补正通知。依照“一次性告知”要求，不得再次要求补正；请作出受理或不予受理决定。",
            code="supplement_once",
        )
    known = {m.pk: m for m in case.version.materials.all()}
    clean = []
    for entry in items:
        material_id = entry.get("material_id")
        problem = str(entry.get("problem", "")).strip()
        name = (
            known[int(material_id)].name
            if material_id and int(material_id) in known
            else str(entry.get("name", "")).strip()
        )
        if not name or not problem:
            continue
        clean.append(
            {
                "material_id": int(material_id) if material_id else None,
                "name": name,
                "problem": problem,
            }
        )
    if not clean:
        raise ValidationError({"items": ["请逐项列出需要补正的材料及问题，一次告知全部内容。"]})
    today = _today()
    SupplementNotice.objects.create(
        case=case, items=clean, note=note, issued_by=actor, issued_on=today
    )
    case.supplement_count = 1
    _transition(
        case,
        action="request_supplement",
        to=Status.SUPPLEMENT,
        actor=actor,
        note=note,
        data={"items": clean},
    )
    doc = _issue_document(case, Document.Kind.SUPPLEMENT, {"items": clean, "note": note}, today)
    listing = "；".join(f"{i['name']}（{i['problem']}）" for i in clean)
    if not case.notices_relayed:  # else the group the case belongs to sends one notice for all
        transaction.on_commit(
            lambda: _tell_applicant(case, "请补正材料", f"补正材料通知书 {doc.number}：{listing}")
        )
    events.publish("case.supplement_requested", case_id=case.pk)
    return case


@transaction.atomic
def case_supplement(
    *, actor, case_id: int, files: Mapping, note: str = "", expected_version: int | None = None
) -> Case:
    """The applicant answers the notice. The acceptance period restarts from this day."""
    case = _lock(actor, case_id, "supplement", expected_version)
    if not is_applicant_of(actor, case):
        raise deny(actor, "cases.supplement", case)
    notice = case.supplement_notice
    wanted = {i["material_id"] for i in notice.items if i.get("material_id")}
    keys = {str(k) for k in files}
    if not files:
        raise ValidationError({"files": ["请上传补正通知所列的材料。"]})
    missing = [
        i["name"]
        for n, i in enumerate(notice.items)
        if (str(i["material_id"]) if i.get("material_id") else f"other_{n}") not in keys
    ]
    if missing:
        raise ValidationError(
            {"files": [f"还缺少：{'、'.join(missing)}。补正通知所列材料需一次补齐。"]}
        )
    catalogued = {k: f for k, f in files.items() if not str(k).startswith("other_")}
    _store_materials(case, case.version, catalogued, actor, 2, only=wanted or None)
    for n, entry in enumerate(notice.items):
        upload = files.get(f"other_{n}")
        if upload is not None and not entry.get("material_id"):
            attachment = attachments.store(upload, actor=actor, label=entry["name"])
            CaseMaterial.objects.create(
                case=case, name=entry["name"], attachment=attachment, round=2
            )
    today = _today()
    notice.answered_on = today
    notice.save(update_fields=["answered_on"])
    case.received_on = today
    _transition(case, action="supplement", to=Status.SUBMITTED, actor=actor, note=note)
    transaction.on_commit(
        lambda: _tell_staff(
            [case.handler] if case.handler else _clerks(case), case, "申请人已补正材料"
        )
    )
    return case


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
def case_extend(
    *,
    actor,
    case_id: int,
    reason: str,
    days: int = EXTENSION_DAYS,
    expected_version: int | None = None,
) -> Case:
    """One extension of up to 10 working days, approved by the agency's leader (第四十二条)."""
    case = _lock(actor, case_id, "extend", expected_version)
    _require_staff(actor, "extend", case)
    if Extension.objects.filter(case=case).exists():
        raise Conflict("本件已延期一次，依法不得再次延期。", code="extend_once")
    if not 1 <= int(days) <= EXTENSION_DAYS:
        raise ValidationError({"days": [f"延长期限为 1 至 {EXTENSION_DAYS} 个工作日。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明延期理由。"]})
    today = _today()
    Extension.objects.create(
        case=case, days=days, reason=reason, approved_by=actor, approved_on=today
    )
    case.extension_days = days
    _transition(
        case, action="extend", to=case.status, actor=actor, note=reason, data={"days": days}
    )
    doc = _issue_document(
        case,
        Document.Kind.EXTENSION,
        {"days": days, "reason": reason, "legal_due": case.legal_due.isoformat()},
        today,
    )
    transaction.on_commit(
        lambda: _tell_applicant(
            case, f"审批期限延长 {days} 个工作日", f"延长审批期限告知书 {doc.number}：{reason}"
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
    case.excluded_periods.filter(ended_on__isnull=True).update(ended_on=case.concluded_on)
    _transition(case, action="terminate", to=Status.TERMINATED, actor=actor, note=reason)
    transaction.on_commit(lambda: _tell_applicant(case, "办件已终止", reason))
    return case


# --- supervision ----------------------------------------------------------------------------------
