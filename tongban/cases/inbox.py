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

from .models import Case, Status
from .permissions import cases_for
from .selectors import awaiting, awaiting_first, extension_requests_awaiting

INBOX_LIMIT = 50  # the inbox lists the most urgent; totals come from the counter


def inbox_warning(warning: str, status: str, stage_warning: str) -> str:
    """The badge a case carries in the inbox. A concluded case awaiting delivery is past its own
    clock; its delivery step's warning is the one that matters. Used for the rows and the counter
    alike, so the totals and the badges cannot disagree with the list."""
    return warning or (stage_warning if status == Status.CONCLUDED else "")


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
            warning=inbox_warning(case.warning, case.status, case.stage_warning),
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
    # Grouped in the database (a handful of groups, answered from the (organisation, status,
    # warning) index), then badged by the same rule as the rows.
    totals = {"total": 0, "red": 0, "yellow": 0}
    groups = awaiting(actor).order_by().values_list("warning", "status", "stage_warning").annotate(n=Count("*"))
    for warning, status, stage_warning, n in groups:
        totals["total"] += n
        level = inbox_warning(warning, status, stage_warning)
        if level in ("red", "yellow"):
            totals[level] += n
    return totals


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
