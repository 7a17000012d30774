"""Reads of licences, scoped by the actor."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tongban.core import timeutil

from .models import Licence, LicenceType, Status
from .permissions import licences_for

LIST_RELATED = ("licence_type", "issuer")


def licence_search(actor, *, q: str = "", type_code: str = "", status: str = "") -> QuerySet[Licence]:
    """Staff search in scope: by number, holder name or code; filter by type and live status."""
    qs = licences_for(actor).select_related(*LIST_RELATED)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(holder_name__icontains=q) | Q(holder_code__iexact=q))
    if type_code:
        qs = qs.filter(licence_type__code=type_code)
    today = timeutil.today()
    if status == Status.REVOKED:
        qs = qs.filter(status=Status.REVOKED)
    elif status == Status.EXPIRED:
        qs = qs.exclude(status=Status.REVOKED).filter(valid_until__lt=today)
    elif status == Status.VALID:
        qs = qs.exclude(status=Status.REVOKED).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return qs.order_by("-issued_on", "-id")


def my_licences(actor) -> QuerySet[Licence]:
    return licences_for(actor).select_related(*LIST_RELATED).order_by("-issued_on", "-id")


def counts(actor) -> dict[str, int]:
    today = timeutil.today()
    agg = licences_for(actor).aggregate(
        total=Count("id"),
        revoked=Count("id", filter=Q(status=Status.REVOKED)),
        expired=Count("id", filter=~Q(status=Status.REVOKED) & Q(valid_until__lt=today)),
    )
    agg["valid"] = agg["total"] - agg["revoked"] - agg["expired"]
    return agg


def types_in_use() -> QuerySet[LicenceType]:
    return LicenceType.objects.select_related("organisation").prefetch_related("items").annotate(
        issued=Count("licences")).order_by("code")
