"""The appeals dashboard panel (有诉即办), over the actor's scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm

from .selectors import metrics


@register("appeals")
def appeals_panel(actor) -> Panel | None:
    """有诉即办: open requests, warnings, callbacks and satisfaction."""
    if not has_perm(actor, "appeals.view"):
        return None
    m = metrics(actor)
    answered = (m["satisfied"] or 0) + (m["unsatisfied"] or 0)
    rate = round(100.0 * m["satisfied"] / answered, 1) if answered else None
    kpis = [
        Kpi(_("诉求总数"), m["total"], _("件")),
        Kpi(_("办理中"), m["open"], _("件")),
        Kpi(_("待回访"), m["awaiting_callback"], _("件")),
        Kpi(_("回访满意率"), pct(rate), tone="good" if (rate or 0) >= 90 else "warn"),
        Kpi(_("黄牌预警"), m["yellow"], _("件"), tone="warn" if m["yellow"] else ""),
        Kpi(_("红牌超期"), m["red"], _("件"), tone="bad" if m["red"] else "good"),
    ]
    return Panel(_("有诉即办"), kpis, order=20)
