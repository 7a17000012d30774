"""The works dashboard panel: projects by status, registrations waiting, open rectifications."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, register
from tongban.core.permissions import has_perm

from .models import Project, Rectification
from .permissions import VIEW, projects_for, rectifications_for


@register("works")
def works_panel(actor) -> Panel | None:
    if not has_perm(actor, VIEW):
        return None
    by_status = dict(projects_for(actor).order_by().values_list("status").annotate(n=Count("id")))
    rect = rectifications_for(actor).filter(status=Rectification.Status.OPEN)
    kpis = [
        Kpi(_("待受理报监"), by_status.get(Project.Status.SUBMITTED, 0), _("项")),
        Kpi(_("监督中"), by_status.get(Project.Status.SUPERVISED, 0), _("项")),
        Kpi(_("已核实"), by_status.get(Project.Status.VERIFIED, 0), _("项")),
        Kpi(_("整改中"), rect.count(), _("项")),
        Kpi(_("整改超期"), rect.filter(warning="red").count(), _("项"), tone="bad" if rect.filter(warning="red").exists() else "good"),
    ]
    return Panel(_("人防工程质量监督"), kpis, order=60)
