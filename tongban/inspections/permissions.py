"""Who may do what in 双随机一公开, and the fetch-and-authorise helpers.

Staff see the tasks of organisations in their subtree (a task belongs to its plan's
organisation); inspectors also see the inspections they are on; an enterprise's users see the
inspections of their enterprise. Anything else is a 404, so ids don't leak."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.permissions import grant, has_perm, in_scope, require, scope_q

from .models import Draw, Inspection, InspectionResult, InspectionTask

for _role in (Role.ADMIN, Role.APPROVER, Role.SUPERVISOR, Role.INSPECTOR):
    grant(_role, "inspections.view")
# Item list, directories, plans, tasks and commitments: the office's administrators and heads.
grant(Role.ADMIN, "inspections.manage", "inspections.draw")
grant(Role.APPROVER, "inspections.manage", "inspections.draw", "inspections.approve", "inspections.decide",
      "inspections.publish")
# The second person confirming the public numbers is often the supervisor (监督人).
grant(Role.SUPERVISOR, "inspections.draw", "inspections.supervise")
grant(Role.INSPECTOR, "inspections.record", "inspections.publish")


def tasks_for(actor) -> QuerySet[InspectionTask]:
    if not getattr(actor, "is_authenticated", False) or not has_perm(actor, "inspections.view"):
        return InspectionTask.objects.none()
    if actor.is_superuser:
        return InspectionTask.objects.all()
    # Inspectors of a station below the office see the tasks they are drawn for.
    mine = InspectionTask.objects.filter(inspections__members__user=actor).values("pk")
    # 综合查一次: staff of a partner department see the joint task in their own scope.
    joint = InspectionTask.objects.filter(scope_q(actor, "partners")).values("pk")
    return InspectionTask.objects.filter(Q(scope_q(actor, "plan__organisation")) | Q(pk__in=mine) | Q(pk__in=joint))


def inspections_for(actor) -> QuerySet[Inspection]:
    """Every inspection the actor may read."""
    if not getattr(actor, "is_authenticated", False):
        return Inspection.objects.none()
    if actor.is_superuser:
        return Inspection.objects.all()
    if getattr(actor, "is_staff_member", False):
        if not has_perm(actor, "inspections.view"):
            return Inspection.objects.none()
        mine = Inspection.objects.filter(members__user=actor).values("pk")
        return Inspection.objects.filter(Q(scope_q(actor, "task__plan__organisation")) | Q(pk__in=mine)
                                         | Q(pk__in=partner_part(actor)))
    if getattr(actor, "enterprise_id", None):
        return Inspection.objects.filter(object__enterprise_id=actor.enterprise_id).exclude(status="cancelled")
    return Inspection.objects.none()


def partner_part(actor) -> QuerySet[Inspection]:
    """综合查一次: a partner department's part of a joint task — the inspections of joint tasks
    (partnered by an organisation in the actor's subtree) on which one of its own officers is."""
    if not getattr(actor, "is_staff_member", False) or actor.organisation_id is None:
        return Inspection.objects.none().values("pk")
    return Inspection.objects.filter(scope_q(actor, "task__partners"), members__active=True,
                                     **{"members__user__organisation__path__startswith": actor.organisation.path}
                                     ).values("pk")


def acts_on(actor, inspection: Inspection) -> bool:
    """In the lead organisation's scope, or a partner department acting on its part."""
    if in_scope(actor, inspection.task.plan.organisation):
        return True
    return partner_part(actor).filter(pk=inspection.pk).exists()


def get_task_for(actor, pk: int, *, perm: str | None = None) -> InspectionTask:
    task = tasks_for(actor).select_related("plan__organisation", "item").filter(pk=pk).first()
    if task is None:
        raise Http404("抽查任务不存在或不在您的管辖范围内。")
    if perm:
        require(actor, perm, task)
    return task


def get_draw_for(actor, pk: int, *, perm: str | None = None, for_update: bool = False) -> Draw:
    qs = Draw.objects.filter(task__in=tasks_for(actor)).select_related("task__plan__organisation", "task__item")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    draw = qs.filter(pk=pk).first()
    if draw is None:
        raise Http404("抽取记录不存在或不在您的管辖范围内。")
    if perm:
        require(actor, perm, draw)
    return draw


def get_inspection_for(actor, pk: int, *, perm: str | None = None, for_update: bool = False) -> Inspection:
    ids = inspections_for(actor).filter(pk=pk).values("pk")
    qs = Inspection.objects.filter(pk__in=ids).select_related("task__plan__organisation", "task__item", "object", "draw")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    inspection = qs.first()
    if inspection is None:
        raise Http404("检查不存在或不在您的管辖范围内。")
    if perm:
        require(actor, perm, inspection)
    return inspection


def get_result_for(actor, pk: int, *, perm: str | None = None) -> InspectionResult:
    result = InspectionResult.objects.filter(pk=pk, inspection__in=inspections_for(actor)).select_related(
        "inspection__task__plan__organisation", "inspection__object").first()
    if result is None:
        raise Http404("检查结果不存在或不在您的管辖范围内。")
    if perm:
        require(actor, perm, result)
    return result


def is_member(actor, inspection: Inspection) -> bool:
    return inspection.members.filter(user=actor, active=True).exists()


def manages(actor, organisation) -> bool:
    return has_perm(actor, "inspections.manage") and in_scope(actor, organisation)
