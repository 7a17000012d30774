"""The ledger's dashboard panel (整治台账), over the problems the viewer sees."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm

from .models import OPEN_STATUSES, Status, Transition
from .permissions import problems_for


@register("ledger")
def ledger_panel(actor) -> Panel | None:
    if not has_perm(actor, "ledger.view"):
        return None
    qs = problems_for(actor).order_by()
    s = qs.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
                     closed=Count("id", filter=Q(status=Status.CLOSED)), red=Count("id", filter=Q(warning="red")),
                     reopened=Count("id", filter=Q(reopen_count__gt=0)))
    closes = Transition.objects.filter(problem__in=qs, action="close").values_list("data", flat=True)
    flags = [bool(d.get("on_time")) for d in closes]
    on_time = round(100 * sum(flags) / len(flags)) if flags else None
    kpis = [
        Kpi(_("整改问题"), s["total"] or 0, _("个")),
        Kpi(_("已销号"), s["closed"] or 0, _("个"), tone="good"),
        Kpi(_("超期未销号"), s["red"] or 0, _("个"), tone="bad" if s["red"] else "good"),
        Kpi(_("按期销号率"), pct(on_time)),
        Kpi(_("回头看后重新整改"), s["reopened"] or 0, _("个")),
    ]
    return Panel(_("整治台账"), kpis, order=40)
