"""The applicant's home: the cases that wait for the applicant (a supplement to answer, a result
to collect), registered with core.applicant_home from CasesConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import Status
from .permissions import cases_for

# What the applicant has to do in each status that waits for them.
_WAITING = {
    Status.SUPPLEMENT: _("待补正：请按一次性告知补正材料，补正前受理期限暂停计算"),
    Status.CONCLUDED: _("已办结：请查看办理结果并领取"),
}


@register("cases")
def waiting_cases(user) -> HomeSection:
    qs = (
        cases_for(user)
        .filter(status__in=list(_WAITING))
        .select_related("version")
        .order_by("status", "-submitted_at")
    )
    rows = list(qs[: SHORT_LIST + 1])
    items = [
        HomeItem(
            f"{c.version.name}（{c.project_name or c.number}）",
            reverse("cases:my_case", args=[c.pk]),
            hint=_WAITING[c.status],
            tone="warn" if c.status == Status.SUPPLEMENT else "good",
        )
        for c in rows[:SHORT_LIST]
    ]
    return HomeSection(
        _("需要您办理的办件"), items, icon="folder2-open", order=10,
        more_url=reverse("cases:my_cases"), empty=_("目前没有需要您补正或领取结果的办件。"),
    )
