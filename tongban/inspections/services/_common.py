"""What every inspections write shares: today, the calendar, numbering and the history row."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tongban.core import audit, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.sequences import next_number

from ..models import Transition

# 国发〔2019〕5号 / 国市监信〔2019〕38号: results are published within 20 working days of the
# inspection's end [K] (TONGBAN_INSPECTIONS_PUBLICATION_DAYS).
PUBLICATION_DAYS = 20
PUBLICATION_RULE = "依据国发〔2019〕5号，抽查检查结果应当自检查结束之日起20个工作日内公示"

# 国办发〔2024〕54号: a yearly cap of routine visits per object across all tasks, joint visits
# (综合查一次) counted once [K] (TONGBAN_INSPECTIONS_YEARLY_CAP; 2 is our default, not a statute).
YEARLY_CAP = 2

# Workload cap [K] (TONGBAN_INSPECTIONS_INSPECTOR_CAP; 20 is our default, not a statute; 0 = none):
# an inspector already on this many inspections of tasks whose period overlaps the task's is left
# out of the frozen inspector list, so the commitment (and the verifier) covers the cap.
INSPECTOR_CAP = 20

# 一批准两出示 (Shenyang seed; 《行政处罚法》第四十二条、第五十五条 officers show their IDs).
APPROVAL_RULE = (
    "依据“一批准两出示”要求（《中华人民共和国行政处罚法》第五十五条），检查须经负责人批准，"
    "并向检查对象出示执法证件和检查通知书"
)


def publication_days() -> int:
    return int(getattr(settings, "TONGBAN_INSPECTIONS_PUBLICATION_DAYS", PUBLICATION_DAYS))


def yearly_cap() -> int:
    return int(getattr(settings, "TONGBAN_INSPECTIONS_YEARLY_CAP", YEARLY_CAP))


def inspector_cap() -> int:
    return int(getattr(settings, "TONGBAN_INSPECTIONS_INSPECTOR_CAP", INSPECTOR_CAP))


def today() -> dt.date:
    return timeutil.today()


def cal() -> WorkCalendar:
    return WorkCalendar.default()


def number(kind: str, org, on: dt.date, fmt: str) -> str:
    seq = next_number(f"inspections:{kind}:{org.code}", period=on.year)
    return fmt.format(org=org.short_name or org.name, code=org.code, year=on.year, seq=seq)


def check_version(obj, expected: int | None) -> None:
    if expected is not None and expected != obj.row_version:
        raise Conflict("该记录已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")


def check_from(obj, allowed, label: str) -> None:
    if obj.status not in allowed:
        raise Conflict(f"当前状态为“{obj.get_status_display()}”，不能{label}。", code="illegal_transition")


def transition(obj, *, action: str, to: str, actor, note: str = "", data: dict | None = None) -> Transition:
    """Move `obj` (a Draw or an Inspection) to `to`, write the history row and the audit event."""
    before = obj.status
    obj.status = to
    obj.row_version += 1
    obj.save()
    kind = obj._meta.model_name
    row = Transition.objects.create(
        **{kind: obj}, action=action, from_status=before, to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or "系统", at=timezone.now(), note=note, data=data or {},
    )
    audit.record(f"inspections.{kind}.{action}", actor=actor if getattr(actor, "pk", None) else None, obj=obj,
                 changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})})
    return row
