"""Claims awaiting a grant decision, in the staff inbox of those who may grant."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from tongban.core.inbox import WorkItem, register, register_counter
from tongban.core.permissions import has_perm, scope_q

from .models import MatchStatus, PolicyMatch
from .permissions import GRANT


def _claimed(actor):
    if not has_perm(actor, GRANT):
        return PolicyMatch.objects.none()
    return PolicyMatch.objects.filter(
        scope_q(actor, "policy__organisation"), status=MatchStatus.CLAIMED
    )


@register("policies")
def claim_items(actor):
    qs = _claimed(actor).select_related("policy", "enterprise").order_by("claimed_at")[:100]
    for match in qs:
        yield WorkItem(
            module="免申即享",
            title=f"政策申领：{match.policy.title}",
            url=reverse("policies:detail", args=[match.policy_id]) + "?status=claimed",
            subtitle=f"{match.enterprise.name} · {match.claimed_at:%Y-%m-%d}",
            tags=("待兑现",),
        )


@register_counter("policies")
def claim_counts(actor) -> dict[str, int]:
    return {**_claimed(actor).order_by().aggregate(total=Count("id")), "red": 0, "yellow": 0}
