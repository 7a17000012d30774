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
