"""The policies dashboard panel (免申即享), over the actor's scope."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from tongban.core.panels import Kpi, Panel, register
from tongban.core.permissions import has_perm, scope_q

from .models import MatchStatus, Policy, PolicyMatch
from .permissions import VIEW


@register("policies")
def policies_panel(actor) -> Panel | None:
    """免申即享: how many eligible enterprises were reached, and how many are still unclaimed."""
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
