"""What waits for staff in the inbox: inspections to approve (heads), notices to issue and records
and publications due (the team); presses on unpublished results reach the team through core."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core import supervision
from tongban.core.inbox import WorkItem, register
from tongban.core.permissions import has_perm

from .models import InspectionResult, Status
from .selectors import awaiting_approval, my_inspections

LIMIT = 30
_TODO = {Status.APPROVED: _("待出具检查通知书"), Status.NOTIFIED: _("待现场检查并录入"), Status.RECORDED: _("待公示结果")}


@register("inspections")
def inspection_items(actor):
    if has_perm(actor, "inspections.approve"):
        for insp in awaiting_approval(actor)[:LIMIT]:
            yield WorkItem(module=_("双随机"), title=_("批准检查：%(o)s") % {"o": insp.object.name},
                           url=reverse("inspections:inspection", args=[insp.pk]), subtitle=insp.task.number)
    if has_perm(actor, "inspections.record"):
        for insp in my_inspections(actor).filter(status__in=list(_TODO))[:LIMIT]:
            warning = ""
            if insp.status == Status.RECORDED:
                warning = InspectionResult.objects.filter(inspection=insp).values_list("warning", flat=True).first() or ""
            yield WorkItem(module=_("双随机"), title=f"{insp.object.name}：{_TODO[insp.status]}",
                           url=reverse("inspections:inspection", args=[insp.pk]), subtitle=insp.task.number,
                           warning=warning)


def _handled_by(actor):
    return InspectionResult.objects.filter(inspection__members__user=actor, inspection__members__active=True)


supervision.register(supervision.Supervised(
    model=InspectionResult, module="双随机", handled_by=_handled_by,
    describe=lambda r: (_("督办：%(o)s 检查结果公示") % {"o": r.inspection.object.name},
                        reverse("inspections:inspection", args=[r.inspection_id]), r.number),
    select_related=("inspection__object",),
))
