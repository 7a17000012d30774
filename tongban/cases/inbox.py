"""The cases that await the actor in the staff inbox; presses on the cases they handle reach it
through core.supervision."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter

from .models import Case
from .permissions import cases_for
from .selectors import awaiting, awaiting_first, extension_requests_awaiting

INBOX_LIMIT = 50  # the inbox lists the most urgent; totals come from the counter


def _due(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    # The last second of the due day: sorts right and displays as the due date.
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


@register("cases")
def case_items(actor):
    prefix = reverse("cases:list")  # one reverse() for the page, not one per item
    for case in awaiting_first(actor, INBOX_LIMIT):
        due = case.due_on
        yield WorkItem(
            module=_("办件"),
            title=f"{case.version.name}（{case.applicant_name}）",
            url=f"{prefix}{case.pk}/",
            due=_due(due),
            warning=case.warning or (case.stage_warning if case.status == "concluded" else ""),
            subtitle=f"{case.number} · {case.get_status_display()}"
            + (_("，待送达") if case.status == "concluded" else ""),
            tags=(case.get_status_display(),),
        )


supervision.register(supervision.Supervised(
    model=Case,
    module="办件",
    handled_by=lambda actor: cases_for(actor).filter(handler=actor),
    describe=lambda case: (_("督办：%(name)s") % {"name": case.version.name},
                           reverse("cases:detail", args=[case.pk]), case.number),
    select_related=("version",),
))


@register_counter("cases")
def case_counts(actor) -> dict[str, int]:
    # Grouped by warning so PostgreSQL can answer from the (organisation, status, warning) index.
    by_warning = dict(awaiting(actor).order_by().values_list("warning").annotate(n=Count("*")))
    return {
        "total": sum(by_warning.values()),
        "red": by_warning.get("red", 0),
        "yellow": by_warning.get("yellow", 0),
    }


@register("cases_extensions")
def extension_items(actor):
    """延期申请 that this head of the agency may decide (not their own), soonest legal due first."""
    for request in extension_requests_awaiting(actor).select_related("case__version", "requested_by")[:INBOX_LIMIT]:
        case = request.case
        yield WorkItem(
            module=_("办件"),
            title=_("延期申请：%(name)s（%(applicant)s）") % {"name": case.version.name, "applicant": case.applicant_name},
            url=reverse("cases:detail", args=[case.pk]),
            due=_due(case.legal_due),
            warning="yellow",  # the legal period runs out at the due date: the request cannot wait
            subtitle=_("%(number)s · %(who)s 申请延长 %(days)s 个工作日")
            % {"number": case.number, "who": request.requested_by.display_name if request.requested_by_id else "",
               "days": request.days},
            tags=(_("延期审批"),),
        )


@register_counter("cases_extensions")
def extension_counts(actor) -> dict[str, int]:
    n = extension_requests_awaiting(actor).count()
    return {"total": n, "red": 0, "yellow": n}
