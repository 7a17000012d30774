"""Appeals awaiting the actor's unit, and unanswered presses, in the staff inbox."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm

from .models import Appeal, Status
from .permissions import appeals_for
from .selectors import awaiting

INBOX_LIMIT = 100
TODO = {
    Status.RECEIVED: "待首问受理",
    Status.TRANSFERRING: "转办待接收",
    Status.HANDLING: "待答复",
    Status.REPLIED: "待回访",
}


def _due(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


@register("appeals")
def appeal_items(actor):
    if not has_perm(actor, "appeals.handle"):
        return
    for appeal in awaiting(actor)[:INBOX_LIMIT]:
        yield WorkItem(
            module="诉求",
            title=f"{appeal.get_kind_display()}：{appeal.title}",
            url=reverse("appeals:detail", args=[appeal.pk]),
            due=_due(appeal.due_on) if appeal.status != Status.REPLIED else None,
            warning=appeal.warning,
            subtitle=f"{appeal.number} · {TODO.get(appeal.status, appeal.get_status_display())}",
            tags=(TODO.get(appeal.status, ""),),
        )


supervision.register(supervision.Supervised(
    model=Appeal,
    module="诉求",
    handled_by=lambda actor: appeals_for(actor).filter(Q(handler=actor) | Q(first_receiver=actor)),
    describe=lambda appeal: (f"诉求督办：{appeal.title}", reverse("appeals:detail", args=[appeal.pk]), appeal.number),
))


@register_counter("appeals")
def appeal_counts(actor) -> dict[str, int]:
    if not has_perm(actor, "appeals.handle"):
        return {}
    return awaiting(actor).order_by().aggregate(
        total=Count("id"), red=Count("id", filter=Q(warning="red")), yellow=Count("id", filter=Q(warning="yellow"))
    )
