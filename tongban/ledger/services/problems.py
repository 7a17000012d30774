"""Problems: listing from every channel (with duplicate flags), rectification tasks, progress with
the parents' roll-up, evidence per unit, close-out and sign-off, presses, the enterprise's
satisfaction and reopening."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Case, IntegerField, Value, When
from django.urls import reverse

from tongban.accounts.models import Organisation, Role, User
from tongban.core import attachments, supervision
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, has_perm, in_scope, require
from tongban.core.sequences import next_number

from ..models import (
    OPEN_STATUSES,
    Campaign,
    CloseOut,
    Evidence,
    Problem,
    Satisfaction,
    SourceKind,
    Status,
)
from ..permissions import get_campaign_for, leads, may_manage, may_rectify, may_sign_off
from ._common import CLOSE_RULE, PLAN, cal, lock, today, transition

# --- duplicates -------------------------------------------------------------------------------

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text's letters and digits: Chinese needs no segmentation for this."""
    chars = "".join(_WORD.findall(text or "")).lower()
    return {chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())


def similarity(a: str, b: str) -> Decimal:
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return Decimal("0")
    return (Decimal(len(x & y)) / Decimal(len(x | y))).quantize(Decimal("0.01"))


def best_match(text: str, candidates) -> tuple[object, float]:
    """The candidate (key, text) most like `text`: the probe's bigrams are built once and the
    ratio kept as a float until the end (this runs over every open problem of a campaign)."""
    probe = bigrams(text)
    best, score = None, 0.0
    if not probe:
        return None, 0.0
    size = len(probe)
    for key, other in candidates:
        grams = bigrams(other)
        if not grams:
            continue
        common = len(probe & grams)
        s = common / (size + len(grams) - common)
        if s > score:
            best, score = key, s
    return best, score


def likely_duplicate(campaign: Campaign, title: str, description: str = "", exclude_id=None):
    """The open problem of the campaign most like this one, if at or above the campaign's threshold."""
    qs = Problem.objects.filter(campaign=campaign, status__in=OPEN_STATUSES)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = ((pk, f"{t} {d}") for pk, t, d in qs.values_list("pk", "title", "description").iterator(chunk_size=2000))
    best, score = best_match(f"{title} {description}", rows)
    score_d = Decimal(str(score)).quantize(Decimal("0.01"))
    if best is None or score_d < campaign.duplicate_threshold:
        return None, score_d
    return Problem.objects.get(pk=best), score_d


# --- listing ----------------------------------------------------------------------------------


def _number(campaign: Campaign) -> str:
    return f"{campaign.code}-{next_number(f'ledger:problem:{campaign.code}'):03d}"


@transaction.atomic
def problem_create(*, actor, campaign_id: int, title: str, source_kind: str, description: str = "",
                   source_ref: str = "", parent_id=None, enterprise=None, raised_by=None, **sources) -> Problem:
    """List a problem. The lead office lists any; a participating unit lists its own self-inspection."""
    campaign = get_campaign_for(actor, campaign_id)
    manage = has_perm(actor, "ledger.manage") and leads(actor, campaign)
    own_check = (source_kind == SourceKind.SELF and has_perm(actor, "ledger.rectify")
                 and any(in_scope(actor, p) for p in campaign.participants.all()))
    if not (manage or own_check):
        raise deny(actor, "ledger.manage", campaign)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写问题。"]
    elif len(title) > 300:
        errors["title"] = ["问题不超过 300 字，详细情况请写入问题描述。"]
    if source_kind not in SourceKind.values:
        errors["source_kind"] = ["请选择问题来源。"]
    if source_kind in (SourceKind.INSPECTION, SourceKind.OTHER, SourceKind.ASSIGNED) and not (source_ref or "").strip():
        errors["source_ref"] = ["上级交办、检查发现或其他模块的问题须填写来源编号（如交办单号、检查结果编号）。"]
    parent = None
    if parent_id not in (None, ""):
        parent = Problem.objects.filter(campaign=campaign, pk=parent_id).first()
        if parent is None:
            errors["parent"] = ["上级问题不属于本专项整治。"]
    if errors:
        raise ValidationError(errors)
    dup, score = likely_duplicate(campaign, title, description or "")
    try:
        with transaction.atomic():
            problem = Problem.objects.create(
                campaign=campaign, number=_number(campaign), parent=parent, title=title,
                description=(description or "").strip(), source_kind=source_kind,
                source_ref=(source_ref or "").strip()[:120], enterprise=enterprise, raised_by=raised_by,
                possible_duplicate_of=dup, duplicate_score=score if dup else None,
                created_by=actor, created_on=today(), **sources,
            )
    except IntegrityError:
        raise Conflict("该来源已列入本专项整治的问题清单，不能重复列入。", code="already_listed") from None
    transition(problem, action="list", to=Status.LISTED, actor=actor,
               data={"source": source_kind, "ref": problem.source_ref, **({"duplicate_of": dup.number} if dup else {})})
    return problem


def problem_from_appeal(*, actor, campaign_id: int, appeal_id: int) -> Problem:
    """一键转为问题: an appeal (有诉即办) becomes a problem; the requester is asked when it closes."""
    from tongban.appeals.kb_services import anonymise
    from tongban.appeals.permissions import get_appeal_for

    appeal = get_appeal_for(actor, appeal_id)
    requester = appeal.requester
    return problem_create(
        actor=actor, campaign_id=campaign_id, title=anonymise(appeal.title, [appeal.requester_name]),
        source_kind=SourceKind.APPEAL,
        description=anonymise(appeal.content, [appeal.requester_name]), source_ref=appeal.number,
        source_appeal=appeal, raised_by=requester, enterprise=getattr(requester, "enterprise", None),
    )


def problem_from_rating(*, actor, campaign_id: int, rating_id: int) -> Problem:
    """An upheld bad review (差评经核实属实) becomes a problem."""
    from tongban.reviews.permissions import get_rating_for

    rating = get_rating_for(actor, rating_id)
    rect = getattr(rating, "rectification", None)
    if not rating.is_bad or rect is None or rect.founded is not True or rating.state == "voided":
        raise ValidationError("只有经核实属实的差评才能列为整改问题。")
    rater = rating.rater if rating.real_name else None
    text = rating.text or rating.get_level_display()
    return problem_create(
        actor=actor, campaign_id=campaign_id, title=f"差评：{text[:60]}", source_kind=SourceKind.REVIEW,
        description=rect.verification, source_ref=f"评价 {rating.pk}", source_rating=rating, raised_by=rater,
        enterprise=getattr(rater, "enterprise", None),
    )


def problem_from_answer(*, actor, answer_id: int, campaign_id=None) -> Problem:
    """A free-text survey answer becomes a problem (the respondent is asked later only if named)."""
    from ..models import Answer, Question
    from ..permissions import surveys_for

    answer = Answer.objects.select_related("question__survey", "response__user", "response__enterprise").filter(
        pk=answer_id, response__survey__in=surveys_for(actor)).first()
    if answer is None:
        from django.http import Http404

        raise Http404("答卷不存在或不在您的管辖范围内。")
    survey = answer.question.survey
    if answer.question.kind != Question.Kind.TEXT or not answer.text.strip():
        raise ValidationError("只有填写了文字的意见可以转为问题。")
    target = campaign_id or survey.campaign_id
    if not target:
        raise ValidationError({"campaign": ["请选择列入哪个专项整治。"]})
    named = not survey.anonymous
    return problem_create(
        actor=actor, campaign_id=target, title=answer.text.strip()[:120], description=answer.text.strip(),
        source_kind=SourceKind.SURVEY, source_ref=f"问卷 {survey.pk} 答卷 {answer.response_id}",
        source_answer=answer, raised_by=answer.response.user if named else None,
        enterprise=answer.response.enterprise if named else None,
    )


def problem_from_opinion(*, actor, opinion_id: int) -> Problem:
    """An opinion heard at a forum, or a finding of an unannounced visit, becomes a problem."""
    from django.http import Http404

    from ..models import Opinion
    from ..permissions import campaigns_for

    opinion = Opinion.objects.select_related("consultation").filter(
        pk=opinion_id, consultation__campaign__in=campaigns_for(actor)).first()
    if opinion is None:
        raise Http404("意见不存在或不在您的管辖范围内。")
    meeting = opinion.consultation
    kind = SourceKind.FORUM if meeting.kind == "forum" else SourceKind.VISIT
    return problem_create(
        actor=actor, campaign_id=meeting.campaign_id, title=opinion.text.strip()[:120], description=opinion.text,
        source_kind=kind, source_ref=f"{meeting.get_kind_display()} {meeting.held_on:%Y-%m-%d} {meeting.place}"[:120],
        source_opinion=opinion,
    )


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


__all__ = ["PLAN"]
