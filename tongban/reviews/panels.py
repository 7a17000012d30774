"""The reviews dashboard panel (好差评), over the actor's scope; coverage is counted against
the concluded cases the actor sees."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.cases.models import Status
from tongban.cases.permissions import cases_for
from tongban.core.panels import Kpi, Panel, pct, register
from tongban.core.permissions import has_perm

from .permissions import ratings_for
from .selectors import summary


@register("reviews")
def reviews_panel(actor) -> Panel | None:
    """好差评: how many are rated, how satisfied, how bad reviews are handled."""
    if not has_perm(actor, "reviews.view"):
        return None
    s = summary(ratings_for(actor), cases_for(actor).filter(status__in=[Status.CONCLUDED, Status.DELIVERED]))
    kpis = [
        Kpi(_("评价数"), s.get("count") or 0, _("条")),
        Kpi(_("评价覆盖率"), pct(s["coverage"]), hint=_("已评价的办结办件占比")),
        Kpi(_("满意率"), pct(s["satisfaction"]), tone="good" if (s["satisfaction"] or 0) >= 95 else "warn"),
        Kpi(_("差评率"), pct(s["bad_rate"]), tone="bad" if (s["bad_rate"] or 0) > 0 else "good"),
        Kpi(_("实名差评按期整改率"), pct(s["on_time_rate"])),
    ]
    return Panel(_("好差评"), kpis, order=25)
