"""The applicant's home and case page: the ratings still to give (好差评), registered with
core.applicant_home from ReviewsConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.applicant_home import (
    SHORT_LIST,
    HomeItem,
    HomeSection,
    register,
    register_case_links,
)

from .models import Rating
from .services import APPEAL_RATEABLE, CASE_RATEABLE


def cases_to_rate(user):
    from tongban.cases.permissions import cases_for

    rated = Rating.objects.filter(case__isnull=False).values("case_id")
    return (cases_for(user).filter(status__in=CASE_RATEABLE).exclude(pk__in=rated)
            .select_related("version").order_by("-submitted_at"))


def appeals_to_rate(user):
    from tongban.appeals.permissions import appeals_for

    rated = Rating.objects.filter(appeal__isnull=False).values("appeal_id")
    # Only the requester rates an appeal (reviews.views.rate_appeal).
    return (appeals_for(user).filter(requester=user, status__in=APPEAL_RATEABLE).exclude(pk__in=rated)
            .order_by("-submitted_at"))


@register("reviews")
def ratings_to_give(user) -> HomeSection | None:
    items = [HomeItem(f"{c.version.name}（{c.project_name or c.number}）", reverse("reviews:rate_case", args=[c.pk]),
                      hint=_("办件已办结，请评价本次服务"), tone="warn")
             for c in cases_to_rate(user)[:SHORT_LIST]]
    items += [HomeItem(f"{a.title}（{a.number}）", reverse("reviews:rate_appeal", args=[a.pk]),
                       hint=_("诉求已答复，请评价办理情况"), tone="warn")
              for a in appeals_to_rate(user)[: SHORT_LIST - len(items)]] if len(items) < SHORT_LIST else []
    # Nothing to rate is not worth a section of its own.
    return HomeSection(_("待评价"), items, icon="star-half", order=20) if items else None


@register_case_links("reviews")
def rating_of_case(case, user) -> list[HomeItem]:
    """On the applicant's case page: rate it once it is decided, or see the rating given."""
    if case.status not in CASE_RATEABLE:
        return []
    rating = Rating.objects.filter(case=case).first()
    if rating is None:
        return [HomeItem(_("评价本次服务"), reverse("reviews:rate_case", args=[case.pk]),
                         hint=_("办件已办结，欢迎对本次服务作出评价"), tone="warn")]
    return [HomeItem(_("已评价：%(level)s") % {"level": rating.get_level_display()},
                     reverse("reviews:rate_case", args=[case.pk]), hint=rating.rated_on.isoformat())]
