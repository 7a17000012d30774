"""What awaits station staff in the inbox: registrations to accept (with their clock), letters
requested, and open rectification orders."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm

from .models import Project, Rectification
from .permissions import ACCEPT, LETTER, VISIT, projects_for
from .selectors import letters_requested, open_rectifications, registrations_awaiting

INBOX_LIMIT = 30


def _due(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI) if day else None


@register("works")
def works_items(actor):
    if has_perm(actor, ACCEPT):
        for p in registrations_awaiting(actor)[:INBOX_LIMIT]:
            yield WorkItem(
                module=_("人防工程"), title=_("报监待受理：%(name)s") % {"name": p.name},
                url=reverse("works:project", args=[p.pk]), due=_due(p.registration_due), warning=p.warning,
                subtitle=p.builder.name, tags=(_("网上报监"),),
            )
    if has_perm(actor, LETTER):
        for b in letters_requested(actor)[:INBOX_LIMIT]:
            yield WorkItem(
                module=_("人防工程"), title=_("单体竣工验收备案待出函：%(p)s %(b)s") % {"p": b.project.name, "b": b.name},
                url=reverse("works:project", args=[b.project_id]), tags=(_("竣工一幢、验收一幢"),),
            )
    if has_perm(actor, VISIT):
        for r in open_rectifications(actor).filter(project__supervisor=actor)[:INBOX_LIMIT]:
            yield WorkItem(
                module=_("人防工程"), title=_("整改复查：%(name)s") % {"name": r.project.name},
                url=reverse("works:project", args=[r.project_id]), due=_due(r.due_on), warning=r.warning,
                subtitle=f"{r.party.name} · {r.requirement[:40]}", tags=(_("整改"),),
            )


@register_counter("works")
def works_counts(actor) -> dict[str, int]:
    totals = {"total": 0, "red": 0, "yellow": 0}
    sets = []
    if has_perm(actor, ACCEPT):
        sets.append(registrations_awaiting(actor))
    if has_perm(actor, VISIT):
        sets.append(open_rectifications(actor).filter(project__supervisor=actor))
    for qs in sets:
        for warning in qs.order_by().values_list("warning", flat=True):
            totals["total"] += 1
            if warning in ("red", "yellow"):
                totals[warning] += 1
    if has_perm(actor, LETTER):
        totals["total"] += letters_requested(actor).count()
    return totals


# Presses (督办) reach the handlers through core: a registration's press the station staff who
# accept it, a rectification's press the project's supervisor.
def _registrations_handled(actor):
    if not has_perm(actor, ACCEPT):
        return Project.objects.none()
    return projects_for(actor).filter(status=Project.Status.SUBMITTED)


def _rectifications_handled(actor):
    if not has_perm(actor, VISIT):
        return Rectification.objects.none()
    return Rectification.objects.filter(project__supervisor=actor, status=Rectification.Status.OPEN)


supervision.register(supervision.Supervised(
    model=Project, module="人防工程", handled_by=_registrations_handled,
    describe=lambda p: (_("督办：%(name)s 报监逾期未受理") % {"name": p.name},
                        reverse("works:project", args=[p.pk]), p.builder.name),
    select_related=("builder",),
))
supervision.register(supervision.Supervised(
    model=Rectification, module="人防工程", handled_by=_rectifications_handled,
    describe=lambda r: (_("督办：%(name)s 整改逾期") % {"name": r.project.name},
                        reverse("works:project", args=[r.project_id]), r.party.name),
    select_related=("project", "party"),
))
