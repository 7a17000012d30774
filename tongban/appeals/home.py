"""The applicant's home: their appeals (有诉即办), registered with core.applicant_home from
AppealsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import OPEN_STATUSES, Status
from .permissions import appeals_for


@register("appeals")
def my_appeals(user) -> HomeSection | None:
    rows = list(appeals_for(user).filter(requester=user).order_by("-submitted_at")[:SHORT_LIST])
    if not rows:
        return None  # never complained: no empty section on the home
    items = [HomeItem(f"{a.title}（{a.number}）", reverse("appeals:my_appeal", args=[a.pk]),
                      hint=a.get_status_display(),
                      tone="warn" if a.status == Status.REPLIED else ("" if a.status in OPEN_STATUSES else "good"))
             for a in rows]
    return HomeSection(_("我的诉求"), items, icon="chat-square-text", order=50,
                       more_url=reverse("appeals:my_appeals"))
