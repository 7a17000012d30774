"""What the credit services share: today, the calendar, numbers, months, history rows, locking."""

from __future__ import annotations

import calendar as _pycal
import datetime as dt

from django.http import Http404
from django.utils import timezone

from tongban.core import audit, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.sequences import next_number

from ..models import CreditRecord, RecordStep


def today() -> dt.date:
    return timeutil.today()


def cal() -> WorkCalendar:
    return WorkCalendar.default()


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st lands on the month's last day (publicity periods are in months)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, _pycal.monthrange(year, month)[1]))


def number(kind: str, prefix: str, on: dt.date | None = None) -> str:
    on = on or today()
    return f"{prefix}{on.year}{next_number(f'credit:{kind}', period=on.year):07d}"


def step(record: CreditRecord, action: str, *, actor=None, before: str = "", note: str = "") -> None:
    RecordStep.objects.create(
        record=record, action=action, from_status=before, to_status=record.status, actor=actor if getattr(
            actor, "pk", None) else None, actor_name=getattr(actor, "display_name", "") if actor else "系统",
        at=timezone.now(), note=note,
    )
    audit.record(f"credit.record_{action}", actor=actor if getattr(actor, "pk", None) else None, obj=record,
                 changes={"status": [before, record.status], "note": note})


def check_version(obj, expected: int | None) -> None:
    if expected is not None and int(expected) != obj.row_version:
        raise Conflict("该记录已被他人处理，请刷新页面后再操作。", code="stale")


def lock_record(pk: int) -> CreditRecord:
    record = CreditRecord.objects.select_for_update().filter(pk=pk).first()
    if record is None:
        raise Http404("信用记录不存在。")
    return record
