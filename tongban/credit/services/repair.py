"""信用修复: the subject applies once the minimum publicity period has passed; the credit
administrator decides within the configured working days; approval stops publication and tells
every platform that received the record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongban.core import attachments, audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require

from ..models import PlatformPush, RecordStatus, Repair, RepairStatus
from ..permissions import DECIDE, get_record_for, get_repair_for
from ._common import cal, check_version, lock_record, number, step, today
from .records import platforms_that_received, schedule_push

REPAIR_BASIS = "国办发〔2025〕22号"


def repair_refusal_before(record) -> str | None:
    """Why this record cannot be repaired today (a sentence for the subject), or None."""
    if record.status != RecordStatus.PUBLISHED:
        return f"该记录当前状态为“{record.get_status_display()}”，无需或不能申请信用修复。"
    if not record.severity or record.repair_from is None:
        return "该记录不属于失信信息，无需申请信用修复。"
    if today() < record.repair_from:
        return (f"依据{REPAIR_BASIS}，失信信息最短公示期届满后方可申请信用修复；"
                f"本记录自 {record.repair_from:%Y年%m月%d日} 起可以申请。")
    if record.repairs.filter(status=RepairStatus.PENDING).exists():
        return "该记录已有待审核的修复申请，请等待审核结果。"
    return None


@transaction.atomic
def repair_apply(*, actor, record_id: int, corrected: str, penalty_fulfilled: str, commitment: str,
                 evidence=()) -> Repair:
    if not getattr(actor, "is_applicant", False):
        raise PermissionDenied("信用修复由信用主体本人（本单位）申请。")
    record = get_record_for(actor, record_id, for_update=True)
    why = repair_refusal_before(record)
    if why:
        raise Conflict(why, code="not_repairable")
    errors: dict[str, list[str]] = {}
    for field, value, label in (("corrected", corrected, "整改纠正情况"), ("penalty_fulfilled", penalty_fulfilled,
                                "履行处罚情况（如罚款已缴纳）"), ("commitment", commitment, "信用承诺")):
        if not (value or "").strip():
            errors[field] = [f"请填写{label}。"]
    if not evidence:
        errors["evidence"] = ["请上传证明材料（如罚款缴纳凭证、整改完成的材料）。"]
    if errors:
        raise ValidationError(errors)
    stored = [attachments.store(f, actor=actor, label="修复证明材料") for f in evidence]
    on = today()
    rule = record.rule
    try:
        with transaction.atomic():
            repair = Repair.objects.create(
                number=number("repair", "XF", on), record=record, applicant=actor, corrected=corrected.strip(),
                penalty_fulfilled=penalty_fulfilled.strip(), commitment=commitment.strip(), applied_on=on,
                due_on=cal().add_workdays(on, rule.repair_decision_days if rule else 5),
            )
    except IntegrityError:
        raise Conflict("该记录已有待审核的修复申请，请等待审核结果。", code="duplicate") from None
    repair.evidence.set(stored)
    step(record, "repair_apply", actor=actor, before=record.status, note=repair.number)
    return repair


@transaction.atomic
def repair_decide(*, actor, repair_id: int, approve: bool, reasons: str, expected_version: int | None = None) -> Repair:
    require(actor, DECIDE)
    repair = get_repair_for(actor, repair_id, for_update=True)
    if repair.status != RepairStatus.PENDING:
        raise Conflict(f"该修复申请已{repair.get_status_display()}，不能重复审核。", code="illegal_transition")
    check_version(repair, expected_version)
    reasons = (reasons or "").strip()
    if not approve and not reasons:
        raise ValidationError({"reasons": ["不予修复的，应当书面说明理由。"]})
    _decide(repair, actor, approve=approve, reasons=reasons)
    return repair


def _decide(repair: Repair, actor, *, approve: bool, reasons: str) -> None:
    repair.status = RepairStatus.APPROVED if approve else RepairStatus.REFUSED
    repair.decided_by, repair.decided_on, repair.reasons, repair.warning = actor, today(), reasons, ""
    repair.row_version += 1
    repair.save(update_fields=["status", "decided_by", "decided_on", "reasons", "warning", "row_version"])
    audit.record("credit.repair_decide", actor=actor, obj=repair, changes={"status": repair.status, "reasons": reasons})
    if approve:
        record = repair.record = lock_record(repair.record_id)
        before = record.status
        record.status, record.warning = RecordStatus.REPAIRED, ""
        record.row_version += 1
        record.save(update_fields=["status", "warning", "row_version", "updated_at"])
        step(record, "repair", actor=actor, before=before, note=f"{repair.number}：{reasons or '准予修复'}")
        # Only the platforms that received the record need telling (one repair, recognised everywhere).
        received = platforms_that_received(record)
        if received:
            schedule_push(record, PlatformPush.Action.REPAIR, only=received)
        from .lists import exit_on_repair

        exit_on_repair(record)
