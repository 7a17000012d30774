"""The cases dashboard panel: statuses, timeliness against the promised and legal limits,
warnings, the 30-day trend and the per-organisation table (over the actor's scope)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm
from tongban.core.timeutil import today

from .models import Status
from .permissions import cases_for
from .selectors import metrics


@register("cases")
def cases_panel(actor) -> Panel | None:
    if not has_perm(actor, "cases.view"):
        return None
    qs = cases_for(actor)
    m = metrics(qs=qs)
    open_count = sum(v for k, v in m.by_status.items() if k in {
        Status.SUBMITTED.label, Status.SUPPLEMENT.label, Status.REVIEW.label, Status.PAUSED.label,
        Status.DECISION.label})
    kpis = [
        Kpi(_("办理中"), open_count, _("件")),
        Kpi(_("已办结"), m.concluded, _("件")),
        Kpi(_("按时办结率"), pct(m.on_time_rate), hint=_("办结用时不超过承诺时限（含依法延期）的比例"),
            tone="good" if (m.on_time_rate or 0) >= 95 else "warn"),
        Kpi(_("平均用时"), m.avg_days_used if m.avg_days_used is not None else "—", _("个工作日"),
            hint=_("承诺 %(p)s / 法定 %(l)s 个工作日") % {"p": m.avg_promised or "—", "l": m.avg_legal or "—"}),
        Kpi(_("一次办成率"), pct(m.no_supplement_rate), hint=_("办结时未发补正通知的比例")),
        Kpi(_("零跑腿率"), pct(m.zero_visit_rate), hint=_("全程网办、无需到现场的比例")),
        Kpi(_("黄牌预警"), m.warnings["yellow"], _("件"), tone="warn" if m.warnings["yellow"] else ""),
        Kpi(_("红牌超期"), m.warnings["red"], _("件"), tone="bad" if m.warnings["red"] else "good"),
    ]
    start = today() - dt.timedelta(days=29)
    daily = dict(qs.filter(received_on__gte=start).order_by().values_list("received_on").annotate(n=Count("id")))
    days = [start + dt.timedelta(days=i) for i in range(30)]
    status_pairs = [(label, n) for label, n in m.by_status.items() if n]
    charts = [
        {"id": "cases-trend", "title": _("近 30 天申请量"), "option": {
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "category", "data": [d.strftime("%m-%d") for d in days]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"type": "bar", "barMaxWidth": 18, "name": _("申请量"),
                        "data": [daily.get(d, 0) for d in days]}],
            "grid": {"left": 40, "right": 16, "top": 24, "bottom": 28},
        }},
        {"id": "cases-status", "title": _("办件状态"), "option": {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0, "type": "scroll"},
            "series": [{"type": "pie", "radius": ["40%", "65%"], "center": ["50%", "42%"], "label": {"show": False},
                        "data": [{"name": str(label), "value": n} for label, n in status_pairs]}],
        }},
    ]
    by_org = (
        qs.order_by().values("organisation__name")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.SUPPLEMENT, Status.REVIEW,
                                                   Status.PAUSED, Status.DECISION])),
            red=Count("id", filter=Q(warning="red")),
            yellow=Count("id", filter=Q(warning="yellow")),
        )
        .order_by("-total")[:20]
    )
    table = {
        "headers": [_("办理机构"), _("办件总数"), _("办理中"), _("黄牌"), _("红牌")],
        "rows": [[r["organisation__name"], r["total"], r["open"], r["yellow"], r["red"]] for r in by_org],
    }
    return Panel(_("政务服务办件"), kpis, charts, table, order=10)
