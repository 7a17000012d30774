"""Who may see and act on ratings. Staff see the ratings of their agency's subtree; a unit acts
on its own ratings (rectification, appeal); an approver of the unit or above decides appeals,
never the member of staff who filed them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.appeals.permissions import acts_for, scope_root
from tongban.core.permissions import grant, has_perm

from .models import Rating, RatingAppeal, Rectification

for _role in (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN):
    grant(_role, "reviews.view")
grant(Role.CLERK, "reviews.rectify", "reviews.appeal_file", "reviews.window")
grant(Role.APPROVER, "reviews.rectify", "reviews.appeal_file", "reviews.appeal_decide")
grant(Role.ADMIN, "reviews.configure")
grant(Role.SUPERVISOR, "reviews.press")


def ratings_for(actor) -> QuerySet[Rating]:
    if not actor.is_authenticated:
        return Rating.objects.none()
    if actor.is_superuser:
        return Rating.objects.all()
    if actor.is_staff_member:
        root = scope_root(actor)
        if root is None or not has_perm(actor, "reviews.view"):
            return Rating.objects.none()
        return Rating.objects.filter(organisation__path__startswith=root.path)
    return Rating.objects.filter(rater=actor)


def get_rating_for(actor, pk: int) -> Rating:
    rating = (ratings_for(actor).select_related("organisation", "item__current_version", "case", "appeal", "window",
                                                "staff", "rater").filter(pk=pk).first())
    if rating is None:
        raise Http404("评价不存在或不在您的管辖范围内。")
    return rating


def get_rectification_for(actor, pk: int, *, for_update: bool = False) -> Rectification:
    qs = Rectification.objects.filter(rating__in=ratings_for(actor)).select_related("rating", "organisation")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    rect = qs.filter(pk=pk).first()
    if rect is None:
        raise Http404("整改记录不存在或不在您的管辖范围内。")
    return rect


def get_rating_appeal_for(actor, pk: int, *, for_update: bool = False) -> RatingAppeal:
    qs = RatingAppeal.objects.filter(rating__in=ratings_for(actor)).select_related("rating__organisation", "filed_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404("申诉不存在或不在您的管辖范围内。")
    return row


def may_act(actor, rating: Rating, perm: str) -> bool:
    return has_perm(actor, perm) and acts_for(actor, rating.organisation)


def may_decide(actor, appeal: RatingAppeal) -> bool:
    """An approver of the rated unit or of a unit above it, who did not file the appeal."""
    if not has_perm(actor, "reviews.appeal_decide") or appeal.filed_by_id == actor.pk:
        return False
    if actor.is_superuser:
        return True
    root = scope_root(actor)
    return root is not None and appeal.rating.organisation.path.startswith(root.path)
