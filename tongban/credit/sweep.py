"""The credit sweep: takedowns at the maximum, list entries and exits, warnings on every clock
(repairs, objections, withdrawals, 双公示 reports, commitments), retries of failed pushes.
Idempotent: each step re-checks under its own claim."""

from __future__ import annotations

from django.db.models import Q

from tongban.core.clocks import apply_warnings

from .models import (
    Commitment,
    CreditRecord,
    Objection,
    ObjectionStatus,
    RecordStatus,
    Repair,
    RepairStatus,
)
from .services import list_sweep, retry_pushes, takedown_due
from .services._common import today


def run_sweep() -> dict[str, int]:
    on = today()
    out = {"taken_down": takedown_due(on), **list_sweep(), "pushes": retry_pushes()}
    apply_warnings(Repair.objects.filter(status=RepairStatus.PENDING), "due_on", today=on,
                   stopped=Repair.objects.exclude(status=RepairStatus.PENDING).exclude(warning=""))
    apply_warnings(Objection.objects.filter(status=ObjectionStatus.PENDING), "due_on", today=on,
                   stopped=Objection.objects.exclude(status=ObjectionStatus.PENDING).exclude(warning=""))
    apply_warnings(Commitment.objects.filter(status=Commitment.Status.OPEN), "due_on", today=on,
                   stopped=Commitment.objects.exclude(status=Commitment.Status.OPEN).exclude(warning=""))
    # 撤回 (三个工作日) and 双公示 (七个工作日) share the record's warning: withdrawal first.
    apply_warnings(CreditRecord.objects.filter(status=RecordStatus.WITHDRAWING), "withdraw_due", today=on)
    apply_warnings(CreditRecord.objects.filter(status=RecordStatus.PUBLISHED, dual_publicity=True,
                                               reported_on__isnull=True), "dual_due", today=on,
                   stopped=CreditRecord.objects.exclude(warning="").filter(
                       Q(status=RecordStatus.PUBLISHED, reported_on__isnull=False)
                       | ~Q(status__in=[RecordStatus.PUBLISHED, RecordStatus.WITHDRAWING])))
    return out


def recompute_open(days: set) -> int:
    """A calendar change moves the open working-day deadlines: repair and objection decisions,
    withdrawals of revoked penalties (3 working days from `revoked_on`, 《行政处罚法》第四十八条) and
    unreported 双公示 records (the day of the event is not counted, as everywhere)."""
    from tongban.core.calendar import WorkCalendar

    from .services.records import rule_for, withdrawal_due

    cal = WorkCalendar.default()
    floor = min(days) if days else None
    moved = 0
    open_repairs = Repair.objects.filter(status=RepairStatus.PENDING).select_related("record__rule")
    open_objections = Objection.objects.filter(status=ObjectionStatus.PENDING).select_related("record__rule")
    unreported = CreditRecord.objects.filter(dual_publicity=True, reported_on__isnull=True,
                                             status=RecordStatus.PUBLISHED).select_related("rule")
    withdrawing = CreditRecord.objects.filter(status=RecordStatus.WITHDRAWING, revoked_on__isnull=False) \
        .select_related("rule")
    if floor:
        open_repairs, open_objections = open_repairs.filter(due_on__gte=floor), open_objections.filter(due_on__gte=floor)
        unreported = unreported.filter(dual_due__gte=floor)
        withdrawing = withdrawing.filter(withdraw_due__gte=floor)
    for r in open_repairs:
        due = cal.add_workdays(r.applied_on, (r.record.rule or rule_for(r.applied_on)).repair_decision_days)
        if due != r.due_on:
            Repair.objects.filter(pk=r.pk).update(due_on=due)
            moved += 1
    for o in open_objections:
        rule = o.record.rule if o.record_id and o.record.rule else rule_for(o.submitted_on)
        due = cal.add_workdays(o.submitted_on, rule.objection_decision_days)
        if due != o.due_on:
            Objection.objects.filter(pk=o.pk).update(due_on=due)
            moved += 1
    for rec in unreported:
        due = cal.add_workdays(rec.decided_on, rec.rule.dual_publicity_days if rec.rule else 7)
        if due != rec.dual_due:
            CreditRecord.objects.filter(pk=rec.pk).update(dual_due=due)
            moved += 1
    for rec in withdrawing:
        due = withdrawal_due(rec)
        if due != rec.withdraw_due:
            # A deadline moved later may no longer be red; the next sweep recomputes the warning.
            CreditRecord.objects.filter(pk=rec.pk).update(withdraw_due=due)
            moved += 1
    return moved
