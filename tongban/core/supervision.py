"""Supervision presses (督办) on any supervised object.

A module checks that the actor may press its object, then calls `press()`; acting on the object
calls `resolve()`. Presses and their history live in one table for every module, so the inbox,
the supervision pages and the dashboard read them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from . import audit
from .models import Press
from .notifications import notify

__all__ = [
    "Supervised",
    "open_presses",
    "press",
    "press_counts",
    "press_items",
    "presses_of",
    "presses_on",
    "register",
    "resolve",
]


def press(
    *,
    actor,
    obj: Model,
    note: str,
    notify_users: Iterable = (),
    title: str = "",
    url: str = "",
    warning: str = "",
) -> Press:
    """Record a press on `obj` and tell `notify_users` after commit. The caller has checked the
    actor's permission and scope on `obj`."""
    from django.core.exceptions import ValidationError

    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["请填写督办意见。"]})
    row = Press.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        supervisor=actor,
        note=note,
        warning=warning or "",
    )
    audit.record("supervision.press", actor=actor, obj=obj, changes={"note": note, "warning": warning})
    targets = {u for u in notify_users if u is not None}
    transaction.on_commit(
        lambda: [notify(u, title or "督办", body=note, url=url, level="warning") for u in targets]
    )
    return row


def resolve(obj: Model, *, actor=None) -> int:
    """Acting on a pressed object answers its open presses."""
    return presses_of(obj).filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor if getattr(actor, "pk", None) else None
    )


def presses_of(obj: Model) -> QuerySet[Press]:
    """Every press on one object, newest first (its history)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Press.objects.filter(content_type=ct, object_id=obj.pk).select_related("supervisor")


def presses_on(objects: QuerySet) -> QuerySet[Press]:
    """Presses on any object of the queryset (already scoped by the caller)."""
    ct = ContentType.objects.get_for_model(objects.model, for_concrete_model=False)
    return Press.objects.filter(content_type=ct, object_id__in=objects.values("pk")).select_related("supervisor")


def open_presses(objects: QuerySet) -> QuerySet[Press]:
    return presses_on(objects).filter(resolved_at__isnull=True)


# --- the handlers' inbox ------------------------------------------------------------------------


@dataclass(frozen=True)
class Supervised:
    """A kind of object that supervisors press. `handled_by(actor)` is the queryset of objects
    whose presses land in the actor's inbox; `describe(obj)` gives (title, url, subtitle)."""

    model: type[Model]
    module: str
    handled_by: Callable[[object], QuerySet]
    describe: Callable[[Model], tuple[str, str, str]]
    select_related: tuple[str, ...] = ()


_supervised: dict[str, Supervised] = {}

INBOX_LIMIT = 50


def register(kind: Supervised) -> None:
    _supervised[kind.model._meta.label_lower] = kind


def _badge(press_warning: str, object_warning: str) -> str:
    """A press is red when it was made on a red warning or its object is red now, else yellow:
    an unanswered press is always urgent."""
    return "red" if "red" in (press_warning, object_warning) else "yellow"


def press_counts(actor) -> dict[str, int]:
    """The inbox totals of `press_items`, counted in the database with the same badge rule, so
    they stay right past the list's limit."""
    totals = {"total": 0, "red": 0, "yellow": 0}
    for kind in _supervised.values():
        handled = kind.handled_by(actor)
        presses = open_presses(handled)
        total = presses.count()
        if not total:
            continue
        red = presses.filter(warning="red")
        if any(f.name == "warning" for f in kind.model._meta.concrete_fields):
            red = presses.filter(Q(warning="red") | Q(object_id__in=handled.filter(warning="red").values("pk")))
        n_red = red.count()
        totals["total"] += total
        totals["red"] += n_red
        totals["yellow"] += total - n_red
    return totals


def press_items(actor) -> Iterable:
    """Unanswered presses on what the actor handles, for the inbox (one query per kind)."""
    from django.utils.translation import gettext as _

    from .inbox import WorkItem

    for kind in _supervised.values():
        presses = list(open_presses(kind.handled_by(actor)).order_by("-created_at")[:INBOX_LIMIT])
        if not presses:
            continue
        objects = kind.model._default_manager.select_related(*kind.select_related).in_bulk(
            {p.object_id for p in presses}
        )
        for row in presses:
            obj = objects.get(row.object_id)
            if obj is None:
                continue
            title, url, subtitle = kind.describe(obj)
            yield WorkItem(
                module=_("督办"),
                title=title,
                url=url,
                warning=_badge(row.warning, getattr(obj, "warning", "")),
                subtitle=f"{subtitle} · {row.note[:40]}",
                tags=(_("督办"), kind.module),
            )
