"""The applicant's home: problems they raised that are closed and wait for their "satisfied?"
(直到服务对象满意), registered with core.applicant_home from LedgerConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import SHORT_LIST, HomeItem, HomeSection, register

from .models import Problem, Satisfaction, Status


def awaiting_answer(user):
    q = Q(raised_by=user)
    if user.enterprise_id:
        q |= Q(enterprise_id=user.enterprise_id)
    return Problem.objects.filter(q, status=Status.CLOSED, satisfaction=Satisfaction.ASKED).order_by("-closed_on")


@register("ledger")
def problems_to_answer(user) -> HomeSection | None:
    items = [HomeItem(p.title[:40], reverse("ledger:my_problems"), hint=_("已整改销号，请评价是否满意"), tone="warn")
             for p in awaiting_answer(user)[:SHORT_LIST]]
    return HomeSection(_("反映的问题"), items, icon="list-check", more_url=reverse("ledger:my_problems"),
                       order=25) if items else None
