"""Reads of appeals, scoped by the actor."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import OPEN_STATUSES, Appeal, Status, Step, Warning
from .permissions import appeals_for, scope_root


def appeal_list(actor, *, status: str = "", kind: str = "", warning: str = "", q: str = "",
                duplicates: bool = False) -> QuerySet[Appeal]:
    qs = appeals_for(actor).select_related("organisation", "pending_organisation", "category", "respondent",
                                           "requester", "duplicate_of")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if warning in (Warning.YELLOW, Warning.RED):
        qs = qs.filter(warning=warning)
    if duplicates:
        qs = qs.filter(duplicate_of__isnull=False).exclude(status=Status.MERGED)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q))
    return qs.order_by("-submitted_at", "-id")


def awaiting(actor) -> QuerySet[Appeal]:
    """What the actor's unit has to do now: confirm, accept or return a transfer, handle, call back."""
    root = scope_root(actor)
    if root is None:
        return Appeal.objects.none()
    mine = Q(organisation__path__startswith=root.path) & ~Q(organisation__kind="agency", organisation__depth__gt=root.depth)
    incoming = Q(status=Status.TRANSFERRING, pending_organisation__path__startswith=root.path) & ~Q(
        pending_organisation__kind="agency", pending_organisation__depth__gt=root.depth)
    work = (mine & Q(status__in=[Status.RECEIVED, Status.HANDLING, Status.REPLIED])) | incoming
    return (
        Appeal.objects.filter(work).select_related("organisation", "pending_organisation", "category")
        .order_by("due_on", "id")
    )


def timeline(appeal: Appeal) -> QuerySet[Step]:
    return appeal.steps.select_related("organisation").order_by("at", "id")


def metrics(actor) -> dict:
    qs = appeals_for(actor).order_by()
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        red=Count("id", filter=Q(warning=Warning.RED)),
        yellow=Count("id", filter=Q(warning=Warning.YELLOW)),
        awaiting_callback=Count("id", filter=Q(status=Status.REPLIED)),
        satisfied=Count("id", filter=Q(satisfaction__in=["satisfied", "basic"])),
        unsatisfied=Count("id", filter=Q(satisfaction="unsatisfied")),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        duplicates=Count("id", filter=Q(duplicate_of__isnull=False) & ~Q(status=Status.MERGED)),
    )
