"""The enterprise's home card: inspections of its company (notices to check, results)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .selectors import company_inspections


@register("inspections")
def company_card(user) -> HomeSection | None:
    if not getattr(user, "enterprise_id", None):
        return None
    rows = list(company_inspections(user)[:SHORT_LIST])
    items = [HomeItem(f"{i.task.item.name}（{i.get_status_display()}）", reverse("inspections:my_company"),
                      hint=i.notice_number or i.task.number, tone="good" if i.status == "published" else "")
             for i in rows]
    return HomeSection(_("本单位的检查"), items, icon="clipboard-check", order=40,
                       more_url=reverse("inspections:my_company"), empty=_("本单位目前没有随机抽查检查。"))
