"""Ledger work in the staff inbox: a unit's open rectification tasks, the leader's close-outs to
sign, and presses on problems (through core.supervision)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter

from .models import Problem, Status
from .selectors import signoff_queue, unit_tasks


def _due(day):
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI) if day else None


@register("ledger")
def ledger_items(actor):
    for p in unit_tasks(actor).filter(status=Status.RECTIFYING)[:100]:
        yield WorkItem(module="整改任务", title=f"整改：{p.title[:40]}", url=reverse("ledger:problem", args=[p.pk]),
                       due=_due(p.due_on), warning=p.warning, subtitle=f"{p.number} · 进展 {p.progress}%",
                       tags=(p.get_status_display(),))
    for p in signoff_queue(actor)[:50]:
        yield WorkItem(module="销号签批", title=f"待签批销号：{p.title[:40]}", url=reverse("ledger:problem", args=[p.pk]),
                       due=_due(p.due_on), warning=p.warning, subtitle=p.number, tags=("销号",))


@register_counter("ledger")
def ledger_counts(actor) -> dict[str, int]:
    ids = list(unit_tasks(actor).filter(status=Status.RECTIFYING).values_list("id", flat=True)[:100])
    ids += list(signoff_queue(actor).values_list("id", flat=True)[:50])
    qs = Problem.objects.filter(id__in=ids).order_by()
    return qs.aggregate(total=Count("id"), red=Count("id", filter=Q(warning="red")),
                        yellow=Count("id", filter=Q(warning="yellow")))


supervision.register(supervision.Supervised(
    model=Problem,
    module="整改任务",
    handled_by=unit_tasks,
    describe=lambda p: (f"整改督办：{p.title[:40]}", reverse("ledger:problem", args=[p.pk]), p.number),
    select_related=("campaign",),
))
