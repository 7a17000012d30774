"""The party's home card: enforcement cases that wait for it (a notice to answer, a fine to pay)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import Status
from .permissions import cases_for

_WAITING = {
    Status.NOTIFIED: _("已先行告知：可在期限内陈述、申辩或申请听证"),
    Status.HEARING: _("听证：请留意听证通知"),
    Status.DECIDED: _("已作出决定：请查看决定书"),
    Status.EXECUTING: _("执行中：请按决定书履行"),
}


@register("enforcement")
def waiting_cases(user) -> HomeSection | None:
    rows = list(cases_for(user).filter(status__in=list(_WAITING)).order_by("-id")[: SHORT_LIST + 1])
    if not rows:
        return None
    items = [HomeItem(f"{c.number}", reverse("enforcement:my_case", args=[c.pk]), hint=_WAITING[c.status],
                      tone="warn" if c.status in (Status.NOTIFIED, Status.EXECUTING) else "")
             for c in rows[:SHORT_LIST]]
    return HomeSection(_("行政执法案件"), items, icon="shield-check", order=40,
                       more_url=reverse("enforcement:my_cases"))
