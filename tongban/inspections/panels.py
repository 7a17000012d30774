"""The dashboard panel of 双随机一公开, over the viewer's scope: this year's inspections, results
published and publication warnings."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm, scope_q
from tongban.core.timeutil import today

from .models import Inspection, InspectionResult, Status


@register("inspections")
def inspections_panel(actor) -> Panel | None:
    if not has_perm(actor, "inspections.view"):
        return None
    year = today().year
    counts = (Inspection.objects.filter(scope_q(actor, "task__plan__organisation"), task__period_start__year=year)
              .exclude(status=Status.CANCELLED).aggregate(n=Count("pk"), done=Count("pk", filter=Q(status=Status.PUBLISHED))))
    results = InspectionResult.objects.filter(scope_q(actor, "inspection__task__plan__organisation"),
                                              published_on__isnull=True)
    warnings = dict(results.exclude(warning="").values_list("warning").annotate(n=Count("pk")))
    rate = round(100 * counts["done"] / counts["n"]) if counts["n"] else None
    return Panel(_("双随机一公开"), order=60, kpis=[
        Kpi(_("本年度抽中检查"), counts["n"], _("户次")),
        Kpi(_("已公示结果"), counts["done"], _("户次")),
        Kpi(_("公示率"), pct(rate)),
        Kpi(_("公示黄牌预警"), warnings.get("yellow", 0), _("件"), tone="warn" if warnings.get("yellow") else ""),
        Kpi(_("公示红牌超期"), warnings.get("red", 0), _("件"), tone="bad" if warnings.get("red") else "good",
            hint=_("检查结束之日起20个工作日内公示（国发〔2019〕5号）")),
    ])
