"""Enforcement work in the staff inbox: the officer's cases by deadline, the legal reviewer's and
the head's queues, the re-reviews due; counts from the same querysets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm

from .models import EnforcementCase
from .permissions import cases_for
from .selectors import QUEUES

INBOX_LIMIT = 50
QUEUE_PERMS = {"mine": "enforcement.investigate", "review": "enforcement.legal_review", "head": "enforcement.approve",
               "rereview": "enforcement.rereview"}
QUEUE_TAGS = {"mine": "承办", "review": "待法制审核", "head": "待负责人审批", "rereview": "待内部复核"}


def _due(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI) if day else None


def _awaiting(actor):
    """The union of the actor's queues (one queryset for the list and the counter)."""
    q = None
    for queue, perm in QUEUE_PERMS.items():
        if has_perm(actor, perm):
            q = QUEUES[queue](actor) if q is None else q | QUEUES[queue](actor)
    if q is None:
        return EnforcementCase.objects.none()
    return cases_for(actor).filter(q).distinct()


@register("enforcement")
def items(actor):
    prefix = reverse("enforcement:list")
    for case in _awaiting(actor).select_related("organisation").order_by("due_on", "id")[:INBOX_LIMIT]:
        due = case.rereview_due if case.status in ("decided", "executing", "closed") and not case.rereview_outcome \
            and case.rereview_due else case.due_on
        yield WorkItem(module=_("行政执法"), title=f"{case.party_display}（{case.get_status_display()}）",
                       url=f"{prefix}{case.pk}/", due=_due(due), warning=case.warning,
                       subtitle=case.number, tags=(case.get_status_display(),))


@register_counter("enforcement")
def counts(actor) -> dict[str, int]:
    # Counted over the distinct cases the list shows (the queue filters join officers, which would
    # count a case once per officer).
    rows = EnforcementCase.objects.filter(pk__in=_awaiting(actor).order_by().values("pk"))
    by = dict(rows.order_by().values_list("warning").annotate(n=Count("*")))
    return {"total": sum(by.values()), "red": by.get("red", 0), "yellow": by.get("yellow", 0)}


supervision.register(supervision.Supervised(
    model=EnforcementCase, module="行政执法",
    handled_by=lambda actor: cases_for(actor).filter(officers=actor),
    describe=lambda case: (_("督办：%(n)s") % {"n": case.number}, reverse("enforcement:detail", args=[case.pk]),
                           case.party_display),
))
