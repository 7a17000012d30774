"""Draws: commit (freeze the lists, publish the commitment), seed (public numbers entered by one
person, confirmed by another), draw (objects, then teams, or blocked), void (reason + approver).
There is no other way to draw again."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.accounts.selectors import certified_user_ids
from tongban.core import draw as core_draw
from tongban.core import standing
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, in_scope, require

from .. import engine
from ..models import (
    ConflictDeclaration,
    Draw,
    DrawStatus,
    Inspection,
    InspectionObject,
    InspectionTask,
    InspectorProfile,
    ItemStatus,
    PlanStatus,
    Status,
    TeamMember,
)
from ..permissions import get_draw_for, get_task_for
from ._common import check_from, check_version, inspector_cap, transition, yearly_cap
from .plans import UNPUBLISHED_ITEM

LIVE = [DrawStatus.COMMITTED, DrawStatus.ENTERED, DrawStatus.DRAWN, DrawStatus.BLOCKED]
VISIT_STATUSES = [Status.ASSIGNED, Status.APPROVED, Status.NOTIFIED, Status.RECORDED, Status.PUBLISHED]
NO_REDRAW = "该任务已有有效的抽取结果，不能重新抽取；确需重抽的，须说明理由并经负责人批准作废原抽取（原抽取保留公示）"


def _scoped(actor, organisation, perm: str) -> None:
    require(actor, perm, organisation)
    if not in_scope(actor, organisation):
        raise deny(actor, perm, organisation)


def capped_objects(object_ids, year: int, *, exclude_task: int | None = None, approved_only: bool = False) -> dict[int, int]:
    """Objects already at the yearly cap of visits across all tasks (a joint task counts once):
    {object id: visits}. A draw counts every planned visit; an approval only approved ones."""
    statuses = VISIT_STATUSES[1:] if approved_only else VISIT_STATUSES
    qs = Inspection.objects.filter(object_id__in=object_ids, status__in=statuses, task__period_start__year=year)
    if exclude_task:
        qs = qs.exclude(task_id=exclude_task)
    counts = qs.values("object_id").annotate(n=Count("task", distinct=True)).filter(n__gte=yearly_cap())
    return {row["object_id"]: row["n"] for row in counts}


def _candidate_objects(task: InspectionTask):
    org = task.plan.organisation
    qs = InspectionObject.objects.filter(organisation__path__startswith=org.path, kind=task.item.object_kind,
                                         is_active=True)
    if task.region:
        qs = qs.filter(region__startswith=task.region)
    if task.industry:
        qs = qs.filter(industry=task.industry)
    return list(qs.values_list("pk", "uscc", "risk_class"))


def _pool(task: InspectionTask) -> list[tuple[User, list[str]]]:
    orgs = [task.plan.organisation, *task.partners.all()]
    q = Q()
    for org in orgs:
        q |= Q(organisation__path__startswith=org.path)
    users = list(User.objects.filter(q, roles__role=Role.INSPECTOR, is_active=True).distinct())
    ids = [u.pk for u in users]
    # 《行政处罚法》第四十二条: only officers holding a valid 行政执法证 for the whole period.
    valid = certified_user_ids(ids, on=task.period_start) & certified_user_ids(ids, on=task.period_end)
    profiles = {p.user_id: p for p in InspectorProfile.objects.filter(user_id__in=ids)}
    busy = busy_inspectors(ids, task)
    pool = []
    for user in users:
        profile = profiles.get(user.pk)
        if user.pk in valid and user.pk not in busy and (profile is None or profile.available):
            pool.append((user, list(profile.specialties) if profile else []))
    return pool


def busy_inspectors(user_ids, task: InspectionTask) -> dict[int, int]:
    """Inspectors at the workload cap [K]: {user id: assignments} on live inspections of other
    tasks whose period overlaps this task's. Applied when the list is frozen, never at draw time."""
    cap = inspector_cap()
    if cap <= 0:
        return {}
    rows = (TeamMember.objects.filter(user_id__in=user_ids, active=True,
                                      inspection__status__in=VISIT_STATUSES,
                                      inspection__task__period_start__lte=task.period_end,
                                      inspection__task__period_end__gte=task.period_start)
            .exclude(inspection__task=task).values("user_id").annotate(n=Count("inspection", distinct=True))
            .filter(n__gte=cap))
    return {row["user_id"]: row["n"] for row in rows}


def freeze(task: InspectionTask) -> tuple[dict, dict, dict]:
    """The frozen lists, the inspector names, and the objects left out (capped) with their risk source."""
    rows = _candidate_objects(task)
    capped = capped_objects([pk for pk, _u, _r in rows], task.period_start.year)
    standings = standing.standing_bulk([u for _pk, u, _r in rows if u])
    objects, sources = [], {}
    for pk, uscc, risk in rows:
        if pk in capped:
            continue
        st = standings.get(uscc) if uscc else None
        if st is not None and st.known and st.risk_class:
            stratum, sources[f"obj:{pk}"] = st.risk_class, "credit"
        else:
            stratum, sources[f"obj:{pk}"] = (risk or "unrated"), "directory"
        objects.append([f"obj:{pk}", stratum])
    pool = _pool(task)
    inspectors = [[f"ins:{u.pk}", sorted(specs)] for u, specs in pool]
    pool_ids = [u.pk for u, _s in pool]
    object_pks = [pk for pk, _u, _r in rows if pk not in capped]
    excluded = set()
    for ins, obj in ConflictDeclaration.objects.filter(inspector_id__in=pool_ids, object_id__in=object_pks).values_list(
            "inspector_id", "object_id"):
        excluded.add((f"ins:{ins}", f"obj:{obj}", "conflict"))
    # Rotation: nobody inspects the same object twice running (the last team of each object).
    last = {}
    for insp_id, obj_id in Inspection.objects.filter(object_id__in=object_pks).exclude(
            status=Status.CANCELLED).order_by("object_id", "-id").values_list("pk", "object_id"):
        last.setdefault(obj_id, insp_id)
    members = TeamMember.objects.filter(inspection_id__in=list(last.values()), active=True).values_list(
        "user_id", "inspection__object_id")
    for user_id, obj_id in members:
        if user_id in pool_ids:
            excluded.add((f"ins:{user_id}", f"obj:{obj_id}", "rotation"))
    conflicting = {(a, b) for a, b, w in excluded if w == "conflict"}
    excluded = {(a, b, w) for a, b, w in excluded if w == "conflict" or (a, b) not in conflicting}
    frozen = {"objects": sorted(objects), "inspectors": sorted(inspectors), "excluded": sorted(map(list, excluded))}
    names = {f"ins:{u.pk}": u.display_name for u, _s in pool}
    return frozen, names, {"capped": sorted(f"obj:{pk}" for pk in capped), "risk_source": sources}


@transaction.atomic
def draw_commit(*, actor, task_id: int) -> Draw:
    """Freeze the lists and publish the commitment. Refused while the task has a live draw."""
    task = get_task_for(actor, task_id)
    InspectionTask.objects.select_for_update().filter(pk=task.pk).first()
    _scoped(actor, task.plan.organisation, "inspections.manage")
    if task.plan.status != PlanStatus.FILED:
        raise Conflict("年度抽查计划尚未报备上级机关，不能抽取。", code="plan_not_filed")
    if task.item.status != ItemStatus.PUBLISHED:
        raise Conflict(UNPUBLISHED_ITEM + "。", code="item_unpublished")
    if task.draws.filter(status__in=LIVE).exists():
        raise Conflict(NO_REDRAW + "。", code="no_redraw")
    frozen, names, extra = freeze(task)
    missing = sorted({s for _i, s in frozen["objects"]} - set(task.ratios))
    if missing:  # tasks get every class's default ratio; only a task edited by hand lacks one
        raise ValidationError(f"任务没有为风险等级 {', '.join(missing)} 设定抽查比例。")
    if not frozen["objects"]:
        raise ValidationError("检查对象名录库中没有符合本任务范围的对象，无法抽取。")
    sequence = (task.draws.aggregate(m=Max("sequence"))["m"] or 0) + 1
    now = timezone.now()
    document = engine.commitment_document(
        frozen=frozen, ratios=task.ratios, task=task.number, sequence=sequence,
        item=f"{task.item.code}@{task.item.version}", per_object=task.inspectors_per_object,
        required=task.item.required_specialties,
        period=(task.period_start.isoformat(), task.period_end.isoformat()), committed_at=now.isoformat(),
    )
    try:
        with transaction.atomic():
            draw = Draw.objects.create(
                task=task, sequence=sequence, document=document, commitment=core_draw.commitment(document),
                frozen=frozen, names={**names, "_capped": extra["capped"], "_risk_source": extra["risk_source"]},
                committed_at=now, committed_by=actor,
            )
    except IntegrityError:
        raise Conflict(NO_REDRAW + "。", code="no_redraw") from None
    transition(draw, action="commit", to=DrawStatus.COMMITTED, actor=actor,
               data={"commitment": draw.commitment, "objects": len(frozen["objects"])})
    draw.transitions.filter(action="commit").update(from_status="")
    return draw


def _numbers(numbers) -> list[str]:
    if isinstance(numbers, str):
        numbers = numbers.replace("，", ",").replace(" ", ",").split(",")
    numbers = [n for n in numbers if str(n).strip()]
    try:
        return core_draw.normalise_numbers(numbers)
    except ValueError:
        raise ValidationError({"numbers": ["公开号码只能是数字，多个号码用逗号分隔（前导零保留）。"]}) from None


@transaction.atomic
def draw_seed(*, actor, draw_id: int, numbers, source: str = "", announced_on: dt.date | None = None,
              expected_version: int | None = None) -> Draw:
    """First call: enter the public numbers (the one who entered may correct them). A call by a
    different person with the same numbers confirms them: the seed is fixed and the draw runs."""
    draw = get_draw_for(actor, draw_id, for_update=True)
    _scoped(actor, draw.task.plan.organisation, "inspections.draw")
    check_from(draw, [DrawStatus.COMMITTED, DrawStatus.ENTERED], "录入公开号码")
    check_version(draw, expected_version)
    values = _numbers(numbers)
    if draw.status == DrawStatus.COMMITTED or draw.entered_by_id == actor.pk:
        if not source.strip():
            raise ValidationError({"source": ["请写明公开号码的来源（如某期福利彩票开奖号码）。"]})
        if announced_on is None:
            raise ValidationError({"announced_on": ["请填写公开号码的公布日期。"]})
        if announced_on < timezone.localdate(draw.committed_at):
            # RFC 3797: the numbers must come from a source announced after the commitment.
            raise ValidationError({"announced_on": [
                f"公开号码必须在承诺公布之后产生（承诺公布于 {timezone.localdate(draw.committed_at)}），不能使用此前已知的号码。"]})
        draw.numbers, draw.numbers_source, draw.numbers_announced_on = values, source.strip()[:200], announced_on
        draw.entered_by = actor
        transition(draw, action="enter", to=DrawStatus.ENTERED, actor=actor,
                   data={"numbers": values, "source": draw.numbers_source})
        return draw
    if values != draw.numbers:
        raise ValidationError({"numbers": ["复核录入的号码与首次录入的不一致，未确认。请对照公开来源核对；如首次录入有误，由录入人更正后再复核。"]})
    draw.confirmed_by = actor
    draw.seed = core_draw.seed_from(draw.commitment, draw.numbers)
    draw.drawn_at = timezone.now()
    result = engine.compute(draw.frozen, draw.document, draw.seed)
    draw.result = result
    if result["blocked"]:
        draw.blocked_reason = blocked_text(draw, result["blocked"])
        transition(draw, action="confirm", to=DrawStatus.BLOCKED, actor=actor, note=draw.blocked_reason,
                   data={"seed": draw.seed})
        return draw
    _create_inspections(draw, result)
    transition(draw, action="confirm", to=DrawStatus.DRAWN, actor=actor, data={"seed": draw.seed})
    return draw


def blocked_text(draw: Draw, blocked: list[dict]) -> str:
    names = dict(InspectionObject.objects.filter(pk__in=[int(b["object"][4:]) for b in blocked[:5]]).values_list("pk", "name"))
    k = draw.document["inspectors_per_object"]
    parts = []
    for b in blocked[:5]:
        name = names.get(int(b["object"][4:]), b["object"])
        if b["missing_specialty"]:
            parts.append(f"{name}：无符合条件且具备“{b['missing_specialty']}”专业的执法人员")
        else:
            parts.append(f"{name}：符合条件（持有效执法证、无利害关系、非上次检查人员）的执法人员仅 {b['eligible']} 名")
    more = f"等 {len(blocked)} 个对象" if len(blocked) > 5 else ""
    return ("依据《中华人民共和国行政处罚法》第四十二条，每个检查对象的执法人员不得少于"
            f"{k}人，本次抽取未分配任何检查：" + "；".join(parts) + more + "。请补充执法人员后，经批准作废本次抽取再重新抽取。")


def _create_inspections(draw: Draw, result: dict) -> None:
    sources = draw.names.get("_risk_source", {})
    position = 0
    members = []
    strata = {obj: s for s, objs in result["objects"].items() for obj in objs}
    for stratum in sorted(result["objects"]):
        for obj in result["objects"][stratum]:
            position += 1
            insp = Inspection.objects.create(task=draw.task, draw=draw, object_id=int(obj[4:]), stratum=strata[obj],
                                             risk_source=sources.get(obj, "directory"), position=position)
            members += [TeamMember(inspection=insp, user_id=int(i[4:]), label=f"inspectors:{obj}")
                        for i in result["teams"][obj]]
    TeamMember.objects.bulk_create(members)


@transaction.atomic
def draw_void_request(*, actor, draw_id: int, reason: str) -> Draw:
    draw = get_draw_for(actor, draw_id, for_update=True)
    _scoped(actor, draw.task.plan.organisation, "inspections.manage")
    check_from(draw, LIVE, "申请作废")
    if not reason.strip():
        raise ValidationError({"reason": ["请写明作废理由。"]})
    if draw.inspections.filter(status__in=[Status.RECORDED, Status.PUBLISHED]).exists():
        raise Conflict("本次抽取已有检查录入结果，不能作废。", code="has_results")
    draw.void_reason, draw.void_requested_by = reason.strip(), actor
    draw.save(update_fields=["void_reason", "void_requested_by"])
    from tongban.core import audit

    audit.record("inspections.draw.void_request", actor=actor, obj=draw, changes={"reason": reason.strip()})
    return draw


@transaction.atomic
def draw_void_approve(*, actor, draw_id: int) -> Draw:
    """The head approves the void; the voided draw stays public and a new commitment may follow."""
    draw = get_draw_for(actor, draw_id, for_update=True)
    _scoped(actor, draw.task.plan.organisation, "inspections.approve")
    check_from(draw, LIVE, "作废")
    if not draw.void_requested_by_id:
        raise Conflict("尚无作废申请。", code="no_request")
    if draw.void_requested_by_id == actor.pk:
        raise Conflict("作废须由申请人以外的负责人批准。", code="same_person")
    if draw.inspections.filter(status__in=[Status.RECORDED, Status.PUBLISHED]).exists():
        raise Conflict("本次抽取已有检查录入结果，不能作废。", code="has_results")
    draw.voided_by, draw.voided_at = actor, timezone.now()
    for insp in draw.inspections.exclude(status=Status.CANCELLED):
        transition(insp, action="cancel", to=Status.CANCELLED, actor=actor, note=draw.void_reason)
    transition(draw, action="void", to=DrawStatus.VOIDED, actor=actor, note=draw.void_reason)
    return draw


@transaction.atomic
def draw_void_refuse(*, actor, draw_id: int, reason: str) -> Draw:
    """The head refuses a void request with a reason: the draw stays in force (its status, result
    and inspections are untouched), the refusal is kept in the draw's history and the audit log,
    and a new request may be made later."""
    draw = get_draw_for(actor, draw_id, for_update=True)
    _scoped(actor, draw.task.plan.organisation, "inspections.approve")
    check_from(draw, LIVE, "驳回作废申请")
    if not draw.void_requested_by_id:
        raise Conflict("尚无作废申请。", code="no_request")
    if draw.void_requested_by_id == actor.pk:
        raise Conflict("作废申请须由申请人以外的负责人审查。", code="same_person")
    if not reason.strip():
        raise ValidationError({"reason": ["请写明驳回理由。"]})
    request = {"request_reason": draw.void_reason, "requested_by": draw.void_requested_by_id}
    draw.void_reason, draw.void_requested_by = "", None
    transition(draw, action="void_refuse", to=draw.status, actor=actor, note=reason.strip()[:500], data=request)
    return draw
