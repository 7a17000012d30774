"""Open bad-review rectifications and pending appeals of ratings, in the staff inbox."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from tongban.appeals.permissions import scope_root
from tongban.core import supervision
from tongban.core.calendar import SHANGHAI
from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm

from .models import Rating, RatingAppeal, Rectification

OPEN = [Rectification.Status.VERIFYING, Rectification.Status.RECTIFYING]


def _open(actor):
    root = scope_root(actor)
    if root is None or not has_perm(actor, "reviews.rectify"):
        return Rectification.objects.none()
    return Rectification.objects.filter(
        status__in=OPEN, organisation__path__startswith=root.path
    ).exclude(organisation__kind="agency", organisation__depth__gt=root.depth)


def _appeals_to_decide(actor):
    """Pending appeals of ratings the actor may decide (reviews.permissions.may_decide: an approver
    of the rated unit or above, who did not file the appeal), as one queryset for rows and count."""
    root = scope_root(actor)
    if root is None or not has_perm(actor, "reviews.appeal_decide"):
        return RatingAppeal.objects.none()
    return RatingAppeal.objects.filter(
        status=RatingAppeal.Status.PENDING, rating__organisation__path__startswith=root.path
    ).exclude(filed_by=actor)


@register("reviews")
def review_items(actor):
    for rect in _open(actor).select_related("rating").order_by("due_on")[:100]:
        due = rect.due_on
        yield WorkItem(
            module="差评整改",
            title=f"差评整改：{rect.rating.get_target_display()}（{rect.rating.get_level_display()}）",
            url=reverse("reviews:detail", args=[rect.rating_id]),
            due=dt.datetime(due.year, due.month, due.day, 23, 59, 59, tzinfo=SHANGHAI),
            warning=rect.warning,
            subtitle=f"{rect.get_status_display()} · {rect.rating.text[:30]}",
            tags=(rect.get_status_display(),),
        )
    for row in _appeals_to_decide(actor).select_related("rating__organisation", "filed_by")[:50]:
        yield WorkItem(module="差评申诉", title=f"差评申诉待审核：{row.rating.organisation.name}",
                       url=reverse("reviews:detail", args=[row.rating_id]), warning="yellow",
                       subtitle=row.get_reason_display(), tags=("申诉",))


supervision.register(supervision.Supervised(
    model=Rectification,
    module="差评整改",
    handled_by=_open,
    describe=lambda rect: (f"差评整改督办：{rect.rating.get_target_display()}",
                           reverse("reviews:detail", args=[rect.rating_id]), rect.get_status_display()),
    select_related=("rating",),
))


@register_counter("reviews")
def review_counts(actor) -> dict[str, int]:
    rects = _open(actor).order_by().aggregate(
        total=Count("id"), red=Count("id", filter=Q(warning="red")), yellow=Count("id", filter=Q(warning="yellow")))
    appeals = _appeals_to_decide(actor).count()  # listed with a yellow badge: a decision is awaited
    return {"total": rects["total"] + appeals, "red": rects["red"], "yellow": rects["yellow"] + appeals}


__all__ = ["Rating"]
