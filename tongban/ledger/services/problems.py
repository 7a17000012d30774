"""Rectification tasks: assignment with a working-day deadline, progress with the parents'
roll-up, evidence per unit, close-out and sign-off, presses, the enterprise's satisfaction and
reopening. Listing problems is in `listing`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Case, IntegerField, Value, When
from django.urls import reverse

from tongban.accounts.models import Organisation, Role, User
from tongban.core import attachments, supervision
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, require

from ..models import (
    CloseOut,
    Evidence,
    Milestone,
    Problem,
    Satisfaction,
    Status,
)
from ..permissions import may_manage, may_rectify, may_sign_off
from ._common import CLOSE_RULE, cal, lock, today, transition

# --- the rectification task ------------------------------------------------------------------


def _leader_ok(leader: User, unit: Organisation) -> bool:
    """The responsible leader is an approver (负责人) of the lead unit's agency."""
    return (leader.is_active and leader.is_staff_member and leader.has_role(Role.APPROVER)
            and leader.organisation_id is not None and leader.organisation.agency().pk == unit.agency().pk)


@transaction.atomic
def task_assign(*, actor, problem_id: int, measures: str, lead_unit_id, leader_id, limit_days=None,
                co_unit_ids=(), steps_total: int = 0, expected_version: int | None = None) -> Problem:
    """Give the problem its measures, units, responsible leader and a deadline in working days."""
    problem = lock(actor, problem_id, "assign", expected_version)
    if not may_manage(actor, problem):
        raise deny(actor, "ledger.manage", problem)
    errors: dict[str, list[str]] = {}
    measures = (measures or "").strip()
    if not measures:
        errors["measures"] = ["请填写整改措施。"]
    unit = Organisation.objects.filter(pk=lead_unit_id, is_active=True).first() if str(lead_unit_id or "").isdigit() else None
    if unit is None:
        errors["lead_unit"] = ["请选择牵头单位。"]
    co_ids = {int(c) for c in co_unit_ids if str(c).isdigit()} - ({unit.pk} if unit else set())
    co_units = list(Organisation.objects.filter(pk__in=co_ids, is_active=True))
    if len(co_units) != len(co_ids):
        errors["co_units"] = ["配合单位不存在或已停用。"]
    leader = User.objects.select_related("organisation").filter(pk=leader_id).first() if str(leader_id or "").isdigit() else None
    if leader is None or (unit is not None and not _leader_ok(leader, unit)):
        errors["leader"] = ["责任领导须为牵头单位所在机关的负责人（一把手负责制）。"]
    try:
        days = int(limit_days if limit_days not in (None, "") else problem.campaign.default_limit_days)
        if not 1 <= days <= 250:
            raise ValueError
    except (TypeError, ValueError):
        errors["limit_days"] = ["整改时限为 1-250 个工作日。"]
        days = 0
    try:
        steps = int(steps_total or 0)
        if not 0 <= steps <= 50:
            raise ValueError
    except (TypeError, ValueError):
        errors["steps_total"] = ["整改步骤数为 0-50。"]
        steps = 0
    if errors:
        raise ValidationError(errors)
    on = today()
    problem.measures, problem.lead_unit, problem.leader, problem.limit_days = measures, unit, leader, days
    if problem.status == Status.LISTED or problem.assigned_on is None:
        problem.assigned_on = on
    # Working days: the day of assignment is not counted (the platform's calendar rule).
    problem.due_on = cal().add_workdays(problem.assigned_on, days)
    problem.steps_total = steps
    problem.steps_done = min(problem.steps_done, steps)
    problem.save()
    problem.co_units.set(co_units)
    transition(problem, action="assign", to=Status.RECTIFYING, actor=actor,
               data={"lead_unit": unit.name, "co_units": [u.name for u in co_units], "leader": leader.display_name,
                     "limit_days": days, "due_on": problem.due_on.isoformat()})
    for user in _unit_staff([unit, *co_units]) | {leader}:
        transaction.on_commit(lambda u=user: notify(
            u, f"整改任务：{problem.number}", body=problem.title, url=reverse("ledger:problem", args=[problem.pk])))
    return problem


def _unit_staff(units) -> set:
    return set(User.objects.filter(organisation__in=[u for u in units if u], is_active=True,
                                   roles__role__in=[Role.CLERK, Role.REVIEWER, Role.APPROVER]).distinct())


@transaction.atomic
def task_progress(*, actor, problem_id: int, progress=None, steps_done=None, note: str = "",
                  expected_version: int | None = None) -> Problem:
    """Progress in percent, or in steps when the task has steps; the parents roll up."""
    problem = lock(actor, problem_id, "progress", expected_version)
    # The units report progress; the lead office may record it too (its Excel update of the ledger).
    if not (may_rectify(actor, problem) or may_manage(actor, problem)):
        raise deny(actor, "ledger.rectify", problem)
    if problem.children.exists():
        raise ValidationError("有子问题的问题，进展由子问题汇总得出，不能直接填写。")
    try:
        if problem.steps_total:
            done = int(steps_done if steps_done not in (None, "") else problem.steps_done)
            if not 0 <= done <= problem.steps_total:
                raise ValueError
            problem.steps_done = done
            problem.progress = round(100 * done / problem.steps_total)
        else:
            pct = int(progress)
            if not 0 <= pct <= 100:
                raise ValueError
            problem.progress = pct
    except (TypeError, ValueError):
        raise ValidationError({"progress": ["进展为 0-100 的百分数；分步骤的任务填写已完成步骤数（不超过总步骤数）。"]}) from None
    problem.progress_note = (note or "").strip()[:300]
    transition(problem, action="progress", to=problem.status, actor=actor,
               data={"progress": problem.progress, "steps_done": problem.steps_done, "note": problem.progress_note})
    rollup([problem.parent_id])
    return problem


def rollup(parent_ids) -> int:
    """Parents show their children's progress: the mean, a closed child counting 100 — one
    aggregate query for all the parents, then up the tree."""
    ids = {p for p in parent_ids if p}
    changed = 0
    while ids:
        rows = (Problem.objects.filter(parent_id__in=ids).exclude(status=Status.MERGED).values("parent_id")
                .annotate(avg=Avg(Case(When(status=Status.CLOSED, then=Value(100)), default="progress",
                                       output_field=IntegerField()))))
        means = {r["parent_id"]: round(r["avg"] or 0) for r in rows}
        for pid, mean in means.items():
            changed += Problem.objects.filter(pk=pid).exclude(progress=mean).update(progress=mean)
        ids = set(Problem.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True))
    return changed


@transaction.atomic
def evidence_submit(*, actor, problem_id: int, unit_id, note: str, upload=None,
                    expected_version: int | None = None) -> Evidence:
    """A unit's evidence of rectification for the current round (佐证材料)."""
    problem = lock(actor, problem_id, "evidence", expected_version)
    unit = Organisation.objects.filter(pk=unit_id).first() if str(unit_id or "").isdigit() else None
    if unit is None or unit.pk not in problem.unit_ids():
        raise ValidationError({"unit": ["只有牵头单位和配合单位可以提交整改佐证。"]})
    if not may_rectify(actor, problem, unit):
        raise deny(actor, "ledger.rectify", problem)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["请填写整改情况说明。"]})
    att = attachments.store(upload, actor=actor, label="佐证材料") if upload else None
    row = Evidence.objects.create(problem=problem, organisation=unit, round=problem.round, note=note,
                                  attachment=att, submitted_by=actor)
    transition(problem, action="evidence", to=problem.status, actor=actor,
               data={"unit": unit.name, "round": problem.round, "file": att.original_name if att else ""})
    return row


# --- dated milestones (整改节点) ----------------------------------------------------------------


@transaction.atomic
def milestone_add(*, actor, problem_id: int, title: str, days=None, due_on=None,
                  expected_version: int | None = None) -> Milestone:
    """Plan a dated step of the task: due a number of working days after the assignment (the
    platform's calendar, the day of assignment not counted) or on a given date, never after the
    task's own deadline (整改时限) — a step due later could not be met in time."""
    import datetime as dt

    problem = lock(actor, problem_id, "milestone_add", expected_version)
    if not (may_manage(actor, problem) or (problem.lead_unit and may_rectify(actor, problem, problem.lead_unit))):
        raise deny(actor, "ledger.rectify", problem)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写节点内容。"]
    due = None
    if days not in (None, ""):
        try:
            n = int(days)
            if not 1 <= n <= 250:
                raise ValueError
            due = cal().add_workdays(problem.assigned_on, n)
        except (TypeError, ValueError):
            errors["days"] = ["节点期限为交办后 1-250 个工作日。"]
    elif due_on not in (None, ""):
        try:
            due = due_on if isinstance(due_on, dt.date) else dt.date.fromisoformat(str(due_on))
        except ValueError:
            errors["due_on"] = ["节点期限日期格式应为 YYYY-MM-DD。"]
    else:
        errors["due_on"] = ["请填写节点期限（日期，或交办后的工作日数）。"]
    if due is not None and problem.due_on and due > problem.due_on:
        errors.setdefault("due_on", []).append(f"节点期限不能晚于整改期限（{problem.due_on:%Y-%m-%d}）。")
    if due is not None and problem.assigned_on and due < problem.assigned_on:
        errors.setdefault("due_on", []).append(f"节点期限不能早于交办日期（{problem.assigned_on:%Y-%m-%d}）。")
    if errors:
        raise ValidationError(errors)
    row = Milestone.objects.create(problem=problem, title=title[:200], due_on=due, created_by=actor)
    transition(problem, action="milestone_add", to=problem.status, actor=actor,
               data={"milestone": row.title, "due_on": due.isoformat()})
    return row


@transaction.atomic
def milestone_done(*, actor, problem_id: int, milestone_id, note: str, upload=None,
                   expected_version: int | None = None) -> Milestone:
    """A unit reports a milestone done, with what was done and optionally its evidence file; the
    day is today (a late milestone stays visibly late in the history)."""
    problem = lock(actor, problem_id, "milestone_done", expected_version)
    if not (may_rectify(actor, problem) or may_manage(actor, problem)):
        raise deny(actor, "ledger.rectify", problem)
    row = (Milestone.objects.select_for_update().filter(pk=milestone_id, problem=problem).first()
           if str(milestone_id or "").isdigit() else None)
    if row is None:
        raise ValidationError({"milestone": ["该整改节点不存在。"]})
    if row.done_on is not None:
        raise Conflict(f"该节点已于 {row.done_on:%Y-%m-%d} 报告完成。")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["请填写节点完成情况。"]})
    row.attachment = attachments.store(upload, actor=actor, label="节点佐证") if upload else None
    row.done_on, row.done_by, row.note = today(), actor, note
    row.save()
    transition(problem, action="milestone_done", to=problem.status, actor=actor,
               data={"milestone": row.title, "due_on": row.due_on.isoformat(), "done_on": row.done_on.isoformat(),
                     "late": row.done_on > row.due_on, "file": row.attachment.original_name if row.attachment else ""})
    return row


def milestones_of(problem: Problem) -> list[Milestone]:
    """The task's milestones in due order, each with its warning (open ones only: yellow when the
    due day is near, red when passed)."""
    from tongban.core.clocks import warning_for

    on = today()
    rows = list(problem.milestones.select_related("attachment", "done_by"))
    for m in rows:
        m.warning = "" if m.done_on else warning_for(m.due_on, on)
    return rows


def missing_evidence(problem: Problem) -> list[Organisation]:
    given = set(Evidence.objects.filter(problem=problem, round=problem.round).values_list("organisation_id", flat=True))
    ids = [u for u in problem.unit_ids() if u not in given]
    names = Organisation.objects.in_bulk(ids)
    return [names[i] for i in ids]


@transaction.atomic
def closeout_submit(*, actor, problem_id: int, summary: str, expected_version: int | None = None) -> CloseOut:
    """The lead unit asks the responsible leader to close the problem (申请销号)."""
    problem = lock(actor, problem_id, "closeout_submit", expected_version)
    if not (problem.lead_unit and may_rectify(actor, problem, problem.lead_unit)):
        raise deny(actor, "ledger.rectify", problem)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": ["请填写整改完成情况。"]})
    missing = missing_evidence(problem)
    if missing:
        raise ValidationError(
            f"{CLOSE_RULE}，销号须有牵头单位和每个配合单位的整改佐证，尚缺：{'、'.join(u.name for u in missing)}。")
    row = CloseOut.objects.create(problem=problem, round=problem.round, summary=summary, submitted_by=actor,
                                  submitted_on=today())
    transition(problem, action="closeout_submit", to=Status.CLOSING, actor=actor, note=summary,
               data={"round": problem.round})
    if problem.leader:
        transaction.on_commit(lambda: notify(problem.leader, f"待签批销号：{problem.number}", body=problem.title,
                                             url=reverse("ledger:problem", args=[problem.pk])))
    return row


@transaction.atomic
def closeout_decide(*, actor, problem_id: int, approve: bool, reasons: str = "",
                    expected_version: int | None = None) -> Problem:
    """The responsible leader signs the close-out, or returns it with reasons."""
    problem = lock(actor, problem_id, "closeout_decide", expected_version)
    if not may_sign_off(actor, problem):
        raise deny(actor, "ledger.signoff", problem)
    row = CloseOut.objects.select_for_update().get(problem=problem, status=CloseOut.Status.PENDING)
    reasons = (reasons or "").strip()
    on = today()
    if not approve:
        if not reasons:
            raise ValidationError({"reasons": ["退回整改须写明理由。"]})
        row.status, row.decided_by, row.decided_on, row.reasons = CloseOut.Status.REJECTED, actor, on, reasons
        row.save()
        transition(problem, action="closeout_reject", to=Status.RECTIFYING, actor=actor, note=reasons,
                   data={"round": problem.round})
        for user in _unit_staff([problem.lead_unit]):
            transaction.on_commit(lambda u=user: notify(u, f"销号被退回：{problem.number}", body=reasons,
                                                        url=reverse("ledger:problem", args=[problem.pk]),
                                                        level="warning"))
        return problem
    row.status, row.decided_by, row.decided_on, row.reasons = CloseOut.Status.APPROVED, actor, on, reasons
    row.save()
    on_time = problem.due_on is None or on <= problem.due_on
    problem.closed_on = on
    problem.first_closed_on = problem.first_closed_on or on
    problem.progress = 100
    if problem.steps_total:
        problem.steps_done = problem.steps_total
    asks = problem.raised_by_id is not None
    problem.satisfaction = Satisfaction.ASKED if asks else Satisfaction.NONE
    transition(problem, action="close", to=Status.CLOSED, actor=actor, note=reasons,
               data={"round": problem.round, "on_time": on_time, "due_on": problem.due_on.isoformat() if problem.due_on else None,
                     "lead_unit_id": problem.lead_unit_id})
    rollup([problem.parent_id])
    if asks:
        transaction.on_commit(lambda: notify(
            problem.raised_by, "您反映的问题已整改销号，请评价是否满意", body=problem.title,
            url=reverse("ledger:my_problems"), sms=True))
    return problem


def reopen(problem: Problem, *, actor, action: str, note: str) -> Problem:
    """Rectify again: a new round with a new deadline; the earlier close-out stays in the history."""
    on = today()
    problem.round += 1
    problem.reopen_count += 1
    problem.closed_on = None
    problem.assigned_on = on
    problem.due_on = cal().add_workdays(on, problem.limit_days or problem.campaign.default_limit_days)
    problem.escalated_on = None
    problem.progress = 0
    problem.steps_done = 0
    problem.satisfaction = Satisfaction.NONE if action != "unsatisfied" else Satisfaction.UNSATISFIED
    transition(problem, action=action, to=Status.RECTIFYING, actor=actor, note=note,
               data={"round": problem.round, "due_on": problem.due_on.isoformat()})
    rollup([problem.parent_id])
    return problem


@transaction.atomic
def satisfaction_answer(*, actor, problem_id: int, satisfied: bool, note: str = "") -> Problem:
    """The enterprise (or person) that raised the problem says whether it is satisfied; "not
    satisfied" reopens it — 直到服务对象满意."""
    problem = Problem.objects.select_for_update().select_related("campaign").filter(pk=problem_id).first()
    mine = problem is not None and getattr(actor, "is_applicant", False) and (
        problem.raised_by_id == actor.pk
        or (actor.enterprise_id is not None and problem.enterprise_id == actor.enterprise_id))
    if not mine:
        from django.http import Http404

        raise Http404("问题不存在。")
    if problem.status != Status.CLOSED or problem.satisfaction != Satisfaction.ASKED:
        raise Conflict("该问题当前不需要您评价。", code="not_asked")
    if satisfied:
        problem.satisfaction = Satisfaction.SATISFIED
        transition(problem, action="satisfied", to=Status.CLOSED, actor=actor, note=(note or "").strip())
        return problem
    if not (note or "").strip():
        raise ValidationError({"note": ["请说明不满意的原因，便于重新整改。"]})
    return reopen(problem, actor=actor, action="unsatisfied", note=note.strip())


@transaction.atomic
def problem_press(*, actor, problem_id: int, note: str):
    """督办 an open problem: its units and leader see the press in their inbox."""
    problem = lock(actor, problem_id, "press")
    require(actor, "ledger.press", problem)
    row = supervision.press(actor=actor, obj=problem, note=note, warning=problem.warning,
                            notify_users=_unit_staff([problem.lead_unit, *problem.co_units.all()]) | {problem.leader},
                            title=f"整改督办：{problem.number}", url=reverse("ledger:problem", args=[problem.pk]))
    transition(problem, action="press", to=problem.status, actor=actor, note=note)
    return row
