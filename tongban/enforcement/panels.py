"""The enforcement dashboard panel: cases by stage, overdue, penalties by violation, the share
decided at the proposal, departures from the baseline and re-review corrections (actor's scope)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm

from .models import Status
from .selectors import metrics


@register("enforcement")
def enforcement_panel(actor) -> Panel | None:
    if not has_perm(actor, "enforcement.view"):
        return None
    m = metrics(actor)
    decided = m["decided"]
    share = round(100 * m["at_proposal"] / decided, 1) if decided else None
    open_n = sum(n for s, n in m["by_status"].items() if s not in (Status.CLOSED, Status.NOT_REGISTERED))
    kpis = [
        Kpi(_("办理中"), open_n, _("件")),
        Kpi(_("已决定"), decided, _("件")),
        Kpi(_("按基准建议决定"), pct(share), hint=_("决定的处罚与平台依裁量基准的建议一致的比例")),
        Kpi(_("偏离基准"), m["departs"], _("件"), hint=_("均附书面理由，并提交法制审核"), tone="warn" if m["departs"] else ""),
        Kpi(_("不予处罚"), m["not_punished"], _("件"), hint=_("《行政处罚法》第三十三条")),
        Kpi(_("复核纠正"), m["corrected"], _("件"), tone="warn" if m["corrected"] else "good"),
        Kpi(_("超期"), m["overdue"], _("件"), tone="bad" if m["overdue"] else "good",
            hint=_("办案、送达、公示或内部复核超过期限")),
    ]
    labels = dict(Status.choices)
    charts = [{"id": "enforcement-stage", "title": _("案件阶段"), "option": {
        "tooltip": {"trigger": "item"}, "legend": {"bottom": 0, "type": "scroll"},
        "series": [{"type": "pie", "radius": ["40%", "65%"], "center": ["50%", "42%"], "label": {"show": False},
                    "data": [{"name": str(labels.get(s, s)), "value": n} for s, n in m["by_status"].items() if n]}],
    }}]
    table = {"headers": [_("违法行为"), _("处罚决定数")],
             "rows": [[r["baseline_item__violation"] or "—", r["n"]] for r in m["by_violation"]]}
    return Panel(_("行政执法"), kpis, charts, table, order=30)
