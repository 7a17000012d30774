"""The applicant's home: their published credit records, each with the day repair may be asked."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import RecordStatus
from .permissions import records_for


@register("credit")
def my_credit(user) -> HomeSection | None:
    rows = list(records_for(user).filter(status=RecordStatus.PUBLISHED).exclude(severity="")
                .order_by("repair_from")[:SHORT_LIST])
    if not rows:
        return None
    url = reverse("credit:mine")
    items = [HomeItem(r.title, f"{url}#record-{r.pk}",
                      hint=_("可申请信用修复日期：%(d)s；公示截止：%(t)s") % {"d": r.repair_from, "t": r.takedown_on},
                      tone="warn") for r in rows]
    return HomeSection(_("我的信用"), items, icon="shield-exclamation", order=30)
