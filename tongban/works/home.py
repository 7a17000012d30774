"""The builder's home card: its works projects and what they wait for."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import Project
from .permissions import projects_for

_HINTS = {
    Project.Status.DRAFT: (_("待网上报监：请上传材料并提交"), "warn"),
    Project.Status.RETURNED: (_("报监被退回：请按要求补正后重新提交"), "warn"),
    Project.Status.SUBMITTED: (_("已报监，等待监督站受理"), ""),
    Project.Status.SUPERVISED: (_("监督中"), ""),
    Project.Status.VERIFIED: (_("已出具竣工验收核实文件"), "good"),
}


@register("works")
def works_projects(user) -> HomeSection | None:
    if not getattr(user, "enterprise_id", None):
        return None
    rows = list(projects_for(user).order_by("-pk")[: SHORT_LIST + 1])
    if not rows:
        return None
    items = [
        HomeItem(p.name, reverse("works:my_project", args=[p.pk]), hint=_HINTS[p.status][0], tone=_HINTS[p.status][1])
        for p in rows[:SHORT_LIST]
    ]
    return HomeSection(_("人防工程"), items, icon="bricks", order=30, more_url=reverse("works:my_projects"))
