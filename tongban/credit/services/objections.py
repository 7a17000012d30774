"""异议: the subject disputes a record, a repair refusal, a grade or a proposed list entry. A
disputed record is marked so while it is checked; the outcome (corrected / upheld) comes with
reasons within the configured working days."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from tongban.core import attachments, audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require

from ..models import (
    LIVE_STATUSES,
    EntryStatus,
    Evaluation,
    EvaluationRun,
    ListEntry,
    Objection,
    ObjectionStatus,
    PlatformPush,
    RepairStatus,
)
from ..permissions import (
    DECIDE,
    get_objection_for,
    get_record_for,
    get_repair_for,
    subject_codes_of,
)
from ._common import cal, check_version, lock_record, number, step, today
from .records import platforms_that_received, rule_for, schedule_push

Target = Objection.Target


def _target(actor, target: str, target_id: int) -> dict:
    """The disputed object, fetched through the subject's own scope."""
    codes = subject_codes_of(actor)
    if target == Target.RECORD:
        record = get_record_for(actor, target_id, for_update=True)
        if record.status not in LIVE_STATUSES:
            raise Conflict(f"该记录当前状态为“{record.get_status_display()}”，不能提出异议。", code="illegal_transition")
        return {"record": record, "organisation_id": record.organisation_id, "subject_code": record.subject_code}
    if target == Target.REPAIR:
        repair = get_repair_for(actor, target_id)
        if repair.status != RepairStatus.REFUSED:
            raise Conflict("只能对不予修复的决定提出异议。", code="illegal_transition")
        return {"repair": repair, "record": repair.record, "organisation_id": repair.record.organisation_id,
                "subject_code": repair.record.subject_code}
    if target == Target.EVALUATION:
        ev = Evaluation.objects.select_related("run").filter(pk=target_id, subject_code__in=codes or ["-"]).first()
        if ev is None or ev.run.status != EvaluationRun.Status.PUBLISHED:
            raise Http404("评价结果不存在或尚未发布。")
        from tongban.accounts.models import Organisation

        org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
        # The organisation that ran the evaluation decides the objection (it alone sees the scores).
        return {"evaluation": ev, "organisation_id": ev.run.organisation_id
                or getattr(ev.run.run_by, "organisation_id", None) or org.pk,
                "subject_code": ev.subject_code}
    if target == Target.LIST_ENTRY:
        entry = ListEntry.objects.filter(pk=target_id, subject_code__in=codes or ["-"]).first()
        if entry is None:
            raise Http404("名单认定不存在。")
        if entry.status not in (EntryStatus.PUBLICITY, EntryStatus.MEMBER):
            raise Conflict("该名单认定已结束，不能提出异议。", code="illegal_transition")
        return {"list_entry": entry, "organisation_id": entry.organisation_id, "subject_code": entry.subject_code}
    raise ValidationError({"target": ["异议对象应为 record、repair、evaluation 或 list_entry。"]})


@transaction.atomic
def objection_submit(*, actor, target: str, target_id: int, content: str, evidence=()) -> Objection:
    if not getattr(actor, "is_applicant", False):
        raise PermissionDenied("异议由信用主体本人（本单位）提出。")
    found = _target(actor, target, target_id)
    if not (content or "").strip():
        raise ValidationError({"content": ["请写明异议的事实和理由。"]})
    field = {Target.RECORD: "record", Target.REPAIR: "repair", Target.EVALUATION: "evaluation",
             Target.LIST_ENTRY: "list_entry"}[target]
    if Objection.objects.filter(target=target, status=ObjectionStatus.PENDING, **{field: found[field]}).exists():
        raise Conflict("已有正在核查的异议，请等待处理结果。", code="duplicate")
    stored = [attachments.store(f, actor=actor, label="异议证明材料") for f in evidence]
    on = today()
    record = found.get("record")
    rule = record.rule if record is not None and record.rule else rule_for(on)
    row = Objection.objects.create(
        number=number("objection", "YY", on), target=target, submitted_by=actor, content=content.strip(),
        submitted_on=on, due_on=cal().add_workdays(on, rule.objection_decision_days),
        **{k: v for k, v in found.items() if k in ("record", "repair", "evaluation", "list_entry",
                                                     "organisation_id", "subject_code")},
    )
    if stored:
        row.evidence.set(stored)
    if target == Target.RECORD:
        record.disputed = True
        record.save(update_fields=["disputed", "updated_at"])
        step(record, "dispute", actor=actor, before=record.status, note=row.number)
    audit.record("credit.objection_submit", actor=actor, obj=row, changes={"target": target})
    return row


@transaction.atomic
def objection_decide(*, actor, objection_id: int, corrected: bool, reasons: str, correction: str = "",
                     expected_version: int | None = None) -> Objection:
    require(actor, DECIDE)
    row = get_objection_for(actor, objection_id, for_update=True)
    if row.status != ObjectionStatus.PENDING:
        raise Conflict(f"该异议已处理（{row.get_status_display()}）。", code="illegal_transition")
    check_version(row, expected_version)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": ["请写明处理理由。"]})
    if corrected and row.target == Target.RECORD and not (correction or "").strip():
        raise ValidationError({"correction": ["异议成立的，请填写更正后的记录内容。"]})
    row.status = ObjectionStatus.CORRECTED if corrected else ObjectionStatus.UPHELD
    row.decided_by, row.decided_on, row.reasons, row.correction, row.warning = actor, today(), reasons, \
        (correction or "").strip(), ""
    row.row_version += 1
    row.save(update_fields=["status", "decided_by", "decided_on", "reasons", "correction", "warning", "row_version"])
    audit.record("credit.objection_decide", actor=actor, obj=row, changes={"status": row.status, "reasons": reasons})
    if row.target == Target.RECORD:
        record = lock_record(row.record_id)
        record.disputed = False
        fields = ["disputed", "updated_at"]
        if corrected:
            record.content = row.correction
            record.row_version += 1
            fields += ["content", "row_version"]
        record.save(update_fields=fields)
        step(record, "correct" if corrected else "uphold", actor=actor, before=record.status, note=reasons)
        if corrected and platforms_that_received(record):
            schedule_push(record, PlatformPush.Action.CORRECT, only=platforms_that_received(record))
    elif row.target == Target.REPAIR and corrected:
        from .repair import _decide

        repair = row.repair
        repair.status = RepairStatus.PENDING  # re-decided on the objection: approved
        _decide(repair, actor, approve=True, reasons=f"异议成立：{reasons}")
    elif row.target == Target.EVALUATION and corrected:
        from .evaluation import correct_evaluation

        correct_evaluation(row.evaluation, actor=actor, note=reasons)
    elif row.target == Target.LIST_ENTRY and corrected:
        from .lists import entry_close

        entry_close(row.list_entry, reason=f"异议成立：{reasons}", actor=actor)
    return row
