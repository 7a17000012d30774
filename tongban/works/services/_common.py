"""What every works transition shares: periods, numbering, the transition row, the audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tongban.core import audit, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.sequences import next_number

from ..models import Project, Transition

# [K] The supervision station accepts an online registration (网上报监) within 5 working days
# (the practice of Henan's stations; no national statute fixes it). TONGBAN_WORKS_REGISTRATION_DAYS.
REGISTRATION_DAYS_DEFAULT = 5

# [K] Default deadline of a rectification order, in working days, when the inspector gives none.
RECTIFICATION_DAYS_DEFAULT = 10

# 豫人防〔2021〕27号 (河南省人民防空工程审批管理办法), as the seed 004 reads it: a civil building with
# no air-defence basement may be accepted on its own (竣工一幢、验收一幢).
SINGLE_BUILDING_BASIS = "《河南省人民防空工程审批管理办法》（豫人防〔2021〕27号）"


def registration_days() -> int:
    return int(getattr(settings, "TONGBAN_WORKS_REGISTRATION_DAYS", REGISTRATION_DAYS_DEFAULT))


def today() -> dt.date:
    return timeutil.today()


def cal() -> WorkCalendar:
    return WorkCalendar.default()


def check_version(project: Project, expected: int | None) -> None:
    if expected is not None and int(expected) != project.row_version:
        raise Conflict("项目已被他人更新，请刷新页面后重试。", code="stale")


def check_from(project: Project, allowed: tuple[str, ...], action: str) -> None:
    if project.status not in allowed:
        raise Conflict(
            f"项目当前状态为“{project.get_status_display()}”，不能{action}。", code="illegal_transition"
        )


def transition(project: Project, *, actor, action: str, from_status: str, note: str = "",
               fields: list[str] = (), changes: dict | None = None) -> None:
    """Save the changed fields, bump the version, write the history row and the audit event."""
    project.row_version += 1
    project.save(update_fields=[*fields, "row_version"])
    Transition.objects.create(
        project=project, action=action, from_status=from_status, to_status=project.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or "", at=timezone.now(), note=note,
    )
    audit.record(f"works.{action}", actor=actor, obj=project, changes=changes or {})


def agency_prefix(project: Project) -> str:
    agency = project.organisation.agency()
    return agency.short_name or agency.name


def number(project: Project, kind: str, abbr: str, on: dt.date) -> str:
    agency = project.organisation.agency()
    seq = next_number(f"works:{kind}:{agency.code}", period=on.year)
    return f"{agency_prefix(project)}{abbr}〔{on.year}〕{seq}号"
