"""The credit administrator's board (信用工作台): what needs doing, over the viewer's scope.

A fixed number of queries whatever the number of rows: grouped counts, and short lists ordered by
deadline (LIMIT each), so the page stays cheap as records pile up."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, Q

from tongban.core.permissions import scope_q

from .models import (
    CreditList,
    EntryStatus,
    ListEntry,
    ObjectionStatus,
    PlatformPush,
    RecordStatus,
    RepairStatus,
    Severity,
)
from .permissions import objections_for, records_for, repairs_for

LIMIT = 20
TAKEDOWN_HORIZON = 30  # calendar days: records coming down within a month are worth a look


@dataclasses.dataclass
class Queue:
    total: int
    overdue: int
    rows: list


def _queue(qs, due_field: str, on: dt.date) -> Queue:
    counts = qs.aggregate(total=Count("id"), overdue=Count("id", filter=Q(**{f"{due_field}__lt": on})))
    return Queue(counts["total"], counts["overdue"], list(qs.order_by(due_field, "id")[:LIMIT]))


def tier_status_table(records) -> tuple[list[tuple[str, str]], list[dict]]:
    """Records by severity tier (rows) and status (columns), with row totals."""
    cells = {(row["severity"], row["status"]): row["n"]
             for row in records.order_by().values("severity", "status").annotate(n=Count("id"))}
    rows = []
    for code, label in reversed(Severity.choices):  # serious first, untiered last
        counts = [cells.get((code, status), 0) for status in RecordStatus.values]
        rows.append({"tier": code, "label": label, "counts": counts, "total": sum(counts)})
    return list(RecordStatus.choices), rows


def board(actor, on: dt.date) -> dict:
    records = records_for(actor)
    statuses, tiers = tier_status_table(records)
    horizon = on + dt.timedelta(days=TAKEDOWN_HORIZON)
    takedown = _queue(records.filter(status=RecordStatus.PUBLISHED, takedown_on__lte=horizon)
                      .select_related("organisation"), "takedown_on", on)
    repairs = _queue(repairs_for(actor).filter(status=RepairStatus.PENDING).select_related("record"), "due_on", on)
    objections = _queue(objections_for(actor).filter(status=ObjectionStatus.PENDING)
                        .select_related("record"), "due_on", on)
    # 双公示 within 7 working days of the decision (国办发〔2018〕118号): overdue = past dual_due unreported.
    dual = _queue(records.filter(status=RecordStatus.PUBLISHED, dual_publicity=True, reported_on__isnull=True,
                                 dual_due__isnull=False), "dual_due", on)
    withdrawals = _queue(records.filter(status=RecordStatus.WITHDRAWING), "withdraw_due", on)
    failed = PlatformPush.objects.filter(status=PlatformPush.Status.FAILED, record__in=records)
    failures = Queue(failed.count(), 0, list(failed.select_related("record").order_by("-created_at", "-id")[:LIMIT]))
    members = {(row["credit_list"], row["status"]): row["n"] for row in ListEntry.objects.filter(
        scope_q(actor), status__in=[EntryStatus.PUBLICITY, EntryStatus.MEMBER]).order_by()
        .values("credit_list", "status").annotate(n=Count("id"))}
    lists = [{"list": cl, "members": members.get((cl.pk, EntryStatus.MEMBER), 0),
              "publicity": members.get((cl.pk, EntryStatus.PUBLICITY), 0)}
             for cl in CreditList.objects.filter(is_active=True).order_by("kind", "code")]
    return {"statuses": statuses, "tiers": tiers, "takedown": takedown, "repairs": repairs,
            "objections": objections, "dual": dual, "withdrawals": withdrawals, "failures": failures,
            "lists": lists, "on": on, "horizon": horizon}
