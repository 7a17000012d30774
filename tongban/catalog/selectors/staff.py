"""Staff lists, scoped by the actor."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import require, scope_q

from ..models import ItemVersion, ServiceItem
from ..permissions import VIEW


def staff_items(
    actor, *, q: str = "", organisation_id: int | None = None, state: str = ""
) -> QuerySet[ServiceItem]:
    """Items of the actor's subtree, with their current version and pending draft."""
    require(actor, VIEW)
    drafts = ItemVersion.objects.filter(status=ItemVersion.Status.DRAFT).only(
        "id", "item_id", "number", "name", "created_at"
    )
    qs = (
        ServiceItem.objects.filter(scope_q(actor))
        .select_related("organisation__parent", "current_version")
        .prefetch_related(Prefetch("versions", queryset=drafts, to_attr="drafts"))
        .order_by("organisation__path", "base_code")
    )
    if organisation_id:
        org = organisations_in_scope(actor).filter(pk=organisation_id).first()
        qs = qs.filter(organisation__path__startswith=org.path) if org else qs.none()
    if q:
        qs = qs.filter(
            Q(current_version__name__icontains=q)
            | Q(versions__name__icontains=q)
            | Q(base_code__icontains=q)
            | Q(implementation_code__icontains=q)
        ).distinct()
    if state == "draft":
        qs = qs.filter(versions__status=ItemVersion.Status.DRAFT).distinct()
    elif state == "unpublished":
        qs = qs.filter(current_version__isnull=True)
    elif state == "withdrawn":
        qs = qs.filter(is_active=False)
    return qs
