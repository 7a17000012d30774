"""The cases panel: statuses, timeliness against the promised and legal limits, warnings, the
30-day trend and the per-organisation table (over the actor's scope)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tongban.cases.models import Status
from tongban.cases.permissions import cases_for
from tongban.cases.selectors import metrics
from tongban.core.permissions import has_perm
from tongban.core.timeutil import today

from .registry import Kpi, Panel, register


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


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
        Kpi(_("按时办结率"), _pct(m.on_time_rate), hint=_("办结用时不超过承诺时限（含依法延期）的比例"),
            tone="good" if (m.on_time_rate or 0) >= 95 else "warn"),
        Kpi(_("平均用时"), m.avg_days_used if m.avg_days_used is not None else "—", _("个工作日"),
            hint=_("承诺 %(p)s / 法定 %(l)s 个工作日") % {"p": m.avg_promised or "—", "l": m.avg_legal or "—"}),
        Kpi(_("一次办成率"), _pct(m.no_supplement_rate), hint=_("办结时未发补正通知的比例")),
        Kpi(_("零跑腿率"), _pct(m.zero_visit_rate), hint=_("全程网办、无需到现场的比例")),
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


@register("policies")
def policies_panel(actor) -> Panel | None:
    """免申即享: how many eligible enterprises were reached, and how many are still unclaimed."""
    from django.apps import apps

    if not apps.is_installed("tongban.policies"):
        return None
    from tongban.core.permissions import scope_q
    from tongban.policies.models import MatchStatus, Policy, PolicyMatch
    from tongban.policies.permissions import VIEW

    if not has_perm(actor, VIEW):
        return None
    matches = PolicyMatch.objects.filter(scope_q(actor, "policy__organisation"))
    counts = dict(matches.order_by().values_list("status").annotate(n=Count("id")))
    eligible = sum(counts.get(s, 0) for s in (MatchStatus.NEW, MatchStatus.NOTIFIED, MatchStatus.CLAIMED,
                                                MatchStatus.GRANTED))
    granted = counts.get(MatchStatus.GRANTED, 0)
    unclaimed = counts.get(MatchStatus.NOTIFIED, 0) + counts.get(MatchStatus.NEW, 0)
    published = Policy.objects.filter(scope_q(actor), status=Policy.Status.PUBLISHED).count()
    kpis = [
        Kpi(_("在施政策"), published, _("项")),
        Kpi(_("符合条件"), eligible, _("家次")),
        Kpi(_("已兑现"), granted, _("家次"), tone="good" if granted else ""),
        Kpi(_("应享未享"), unclaimed, _("家次"), hint=_("已推送但尚未申领或兑现"), tone="warn" if unclaimed else ""),
    ]
    return Panel(_("免申即享"), kpis, order=30)


@register("appeals")
def appeals_panel(actor) -> Panel | None:
    """有诉即办: open requests, warnings, callbacks and satisfaction."""
    from django.apps import apps

    if not apps.is_installed("tongban.appeals") or not has_perm(actor, "appeals.view"):
        return None
    from tongban.appeals.selectors import metrics as appeal_metrics

    m = appeal_metrics(actor)
    answered = (m["satisfied"] or 0) + (m["unsatisfied"] or 0)
    rate = round(100.0 * m["satisfied"] / answered, 1) if answered else None
    kpis = [
        Kpi(_("诉求总数"), m["total"], _("件")),
        Kpi(_("办理中"), m["open"], _("件")),
        Kpi(_("待回访"), m["awaiting_callback"], _("件")),
        Kpi(_("回访满意率"), _pct(rate), tone="good" if (rate or 0) >= 90 else "warn"),
        Kpi(_("黄牌预警"), m["yellow"], _("件"), tone="warn" if m["yellow"] else ""),
        Kpi(_("红牌超期"), m["red"], _("件"), tone="bad" if m["red"] else "good"),
    ]
    return Panel(_("有诉即办"), kpis, order=20)


@register("reviews")
def reviews_panel(actor) -> Panel | None:
    """好差评: how many are rated, how satisfied, how bad reviews are handled."""
    from django.apps import apps

    if not apps.is_installed("tongban.reviews") or not has_perm(actor, "reviews.view"):
        return None
    from tongban.reviews.permissions import ratings_for
    from tongban.reviews.selectors import summary

    s = summary(ratings_for(actor), cases_for(actor).filter(status__in=[Status.CONCLUDED, Status.DELIVERED]))
    kpis = [
        Kpi(_("评价数"), s.get("count") or 0, _("条")),
        Kpi(_("评价覆盖率"), _pct(s["coverage"]), hint=_("已评价的办结办件占比")),
        Kpi(_("满意率"), _pct(s["satisfaction"]), tone="good" if (s["satisfaction"] or 0) >= 95 else "warn"),
        Kpi(_("差评率"), _pct(s["bad_rate"]), tone="bad" if (s["bad_rate"] or 0) > 0 else "good"),
        Kpi(_("实名差评按期整改率"), _pct(s["on_time_rate"])),
    ]
    return Panel(_("好差评"), kpis, order=25)
