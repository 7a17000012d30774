"""The applicant's home: unread notices, registered with core.applicant_home from
CoreConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .applicant_home import SHORT_LIST, HomeItem, HomeSection, register
from .notifications import unread


@register("notifications")
def unread_notices(user) -> HomeSection | None:
    items = [HomeItem(n.title, n.url or reverse("core:notifications"),
                      hint=timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"),
                      tone="warn" if n.level == "action" else "")
             for n in unread(user, SHORT_LIST)]
    return HomeSection(_("未读消息"), items, icon="bell", order=60,
                       more_url=reverse("core:notifications") + "?unread=1") if items else None
