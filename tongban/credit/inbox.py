"""Repairs and objections awaiting the credit administrator, in the staff inbox."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm

from .models import ObjectionStatus, RepairStatus
from .permissions import DECIDE, objections_for, repairs_for

LIMIT = 50


def _due(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


def _repairs(actor):
    return repairs_for(actor).filter(status=RepairStatus.PENDING) if has_perm(actor, DECIDE) else repairs_for(actor).none()


def _objections(actor):
    qs = objections_for(actor)
    return qs.filter(status=ObjectionStatus.PENDING) if has_perm(actor, DECIDE) else qs.none()


@register("credit")
def credit_items(actor):
    url = reverse("credit:queue")
    for r in _repairs(actor).select_related("record").order_by("due_on")[:LIMIT]:
        yield WorkItem(module=_("信用"), title=_("信用修复：%(name)s") % {"name": r.record.subject_display},
                       url=f"{url}#repair-{r.pk}", due=_due(r.due_on), warning=r.warning, subtitle=r.number,
                       tags=(_("修复"),))
    for o in _objections(actor).order_by("due_on")[:LIMIT]:
        yield WorkItem(module=_("信用"), title=_("信用异议：%(n)s") % {"n": o.get_target_display()},
                       url=f"{url}#objection-{o.pk}", due=_due(o.due_on), warning=o.warning, subtitle=o.number,
                       tags=(_("异议"),))


@register_counter("credit")
def credit_counts(actor) -> dict[str, int]:
    out = {"total": 0, "red": 0, "yellow": 0}
    for qs in (_repairs(actor), _objections(actor)):
        for warning, n in qs.order_by().values_list("warning").annotate(n=Count("*")):
            out["total"] += n
            if warning in ("red", "yellow"):
                out[warning] += n
    return out
