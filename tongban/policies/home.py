"""The enterprise's home: the policies matched to its profile (免申即享), registered with
core.applicant_home from PoliciesConfig.ready(). A citizen has no profile, so no section."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import MatchStatus
from .permissions import is_enterprise_user
from .selectors import matches_of_enterprise


@register("policies")
def matched_policies(user) -> HomeSection | None:
    if not is_enterprise_user(user):
        return None
    rows = matches_of_enterprise(user.enterprise_id).exclude(status=MatchStatus.EXPIRED)[:SHORT_LIST]
    items = [HomeItem(m.policy.title, reverse("policies:public", args=[m.policy_id]),
                      hint=m.get_status_display(), tone="warn" if m.status in (MatchStatus.NEW, MatchStatus.NOTIFIED) else "good")
             for m in rows]
    return HomeSection(_("为您匹配的政策"), items, icon="stars", order=40,
                       more_url=reverse("policies:mine"), empty=_("暂未匹配到您可享受的政策。"))
