"""What every ledger write shares: today, the calendar, locking a problem, the transition row."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongban.core import audit, clocks, supervision, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict

from ..models import CLOCKED_STATUSES, Problem, Status, Transition
from ..permissions import get_problem_for

# No statute sets these: the campaign plans (seeds 000, 002, 003) do. The wording cited in refusals.
PLAN = "依据专项整治工作方案"
CLOSE_RULE = f"{PLAN}“一件一件销号”的要求"

ACTION_LABELS = {
    "assign": "交办整改任务",
    "progress": "更新整改进展",
    "evidence": "提交整改佐证",
    "closeout_submit": "申请销号",
    "closeout_decide": "签批销号",
    "press": "督办",
    "satisfaction": "评价整改结果",
    "recheck": "回头看复查",
    "milestone_add": "安排整改节点",
    "milestone_done": "报告节点完成",
}

ALLOWED_FROM = {
    "assign": {Status.LISTED, Status.RECTIFYING},
    "progress": {Status.RECTIFYING},
    "evidence": {Status.RECTIFYING},
    "closeout_submit": {Status.RECTIFYING},
    "closeout_decide": {Status.CLOSING},
    "press": {Status.LISTED, Status.RECTIFYING, Status.CLOSING},
    "satisfaction": {Status.CLOSED},
    "recheck": {Status.CLOSED},
    "milestone_add": {Status.RECTIFYING},
    "milestone_done": {Status.RECTIFYING},
}


def today() -> dt.date:
    return timeutil.today()


def cal() -> WorkCalendar:
    return WorkCalendar.default()


def lock(actor, problem_id: int, action: str, expected_version: int | None = None) -> Problem:
    problem = get_problem_for(actor, problem_id, for_update=True)
    if problem.status not in ALLOWED_FROM[action]:
        raise Conflict(
            f"问题当前状态为“{problem.get_status_display()}”，不能{ACTION_LABELS[action]}。",
            code="illegal_transition",
        )
    if expected_version is not None and expected_version != problem.row_version:
        raise Conflict("该问题已被他人更新，请刷新页面查看最新情况后再操作。", code="stale")
    return problem


def refresh_warning(problem: Problem, on: dt.date | None = None) -> None:
    on = on or today()
    problem.warning = (
        clocks.warning_for(problem.due_on, on, cal=cal()) if problem.status in CLOCKED_STATUSES else clocks.NONE
    )


def transition(problem: Problem, *, action: str, to: str, actor, note: str = "", data: dict | None = None,
               on: dt.date | None = None) -> Transition:
    on = on or today()
    before = problem.status
    problem.status = to
    problem.row_version += 1
    refresh_warning(problem, on)
    problem.save()
    row = Transition.objects.create(
        problem=problem, action=action, from_status=before, to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.display_name if getattr(actor, "pk", None) else "系统",
        at=timezone.now(), effective_on=on, note=note, data=data or {},
    )
    if getattr(actor, "is_staff_member", False) and action != "press":
        supervision.resolve(problem, actor=actor)  # acting on a pressed problem answers its presses
    audit.record(f"ledger.{action}", actor=actor if getattr(actor, "pk", None) else None, obj=problem,
                 changes={"status": [before, to], **({"note": note} if note else {}), **(data or {})})
    return row
