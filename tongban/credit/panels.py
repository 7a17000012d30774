"""The credit dashboard panel (信用), over the viewer's scope: published records, repairs and
objections awaiting a decision and those overdue."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, register
from tongban.core.permissions import has_perm

from .models import ObjectionStatus, RecordStatus, RepairStatus
from .permissions import VIEW, objections_for, records_for, repairs_for


@register("credit")
def credit_panel(actor) -> Panel | None:
    if not has_perm(actor, VIEW):
        return None
    rec = records_for(actor).aggregate(published=Count("id", filter=Q(status=RecordStatus.PUBLISHED)),
                                       serious=Count("id", filter=Q(status=RecordStatus.PUBLISHED, severity="serious")),
                                       late=Count("id", filter=Q(warning="red")))
    rep = repairs_for(actor).filter(status=RepairStatus.PENDING).aggregate(
        n=Count("id"), red=Count("id", filter=Q(warning="red")))
    obj = objections_for(actor).filter(status=ObjectionStatus.PENDING).aggregate(
        n=Count("id"), red=Count("id", filter=Q(warning="red")))
    kpis = [
        Kpi(_("公示中的信用记录"), rec["published"], _("条")),
        Kpi(_("其中严重失信"), rec["serious"], _("条"), tone="warn" if rec["serious"] else ""),
        Kpi(_("待审核修复申请"), rep["n"], _("件"), tone="bad" if rep["red"] else ""),
        Kpi(_("核查中的异议"), obj["n"], _("件"), tone="bad" if obj["red"] else ""),
        Kpi(_("撤回或报送超期"), rec["late"], _("条"), tone="bad" if rec["late"] else "good"),
    ]
    return Panel(_("信用"), kpis, order=40)
