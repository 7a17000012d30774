from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tongban.core.permissions import require, scope_q

from .models import Organisation, StaffRole, User
from .permissions import organisations_in_scope


def staff_users_list(
    actor, *, q: str = "", organisation_id: int | None = None, role: str = ""
) -> QuerySet[User]:
    require(actor, "accounts.view_staff")
    qs = (
        User.objects.filter(scope_q(actor), kind__in=[User.Kind.STAFF, User.Kind.INTEGRATION])
        .select_related("organisation__parent")
        .prefetch_related(Prefetch("roles", queryset=StaffRole.objects.order_by("role")))
        .order_by("organisation__path", "username")
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    if organisation_id:
        org = organisations_in_scope(actor).filter(pk=organisation_id).first()
        qs = qs.filter(organisation__path__startswith=org.path) if org else qs.none()
    if role:
        qs = qs.filter(roles__role=role)
    return qs


def organisation_tree(actor) -> list[Organisation]:
    """The actor's subtree in display order, each with `member_count`."""
    require(actor, "accounts.view_staff")
    from django.db.models import Count

    return list(
        organisations_in_scope(actor)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("path")
    )


def supervisors_of(organisation: Organisation) -> list[User]:
    """Active supervisors (电子监察) of the organisation and of every unit above it: they all see
    and press the unit's overdue work."""
    from .models import Role

    path = organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    return list(
        User.objects.filter(
            organisation__path__in=prefixes, roles__role=Role.SUPERVISOR, is_active=True
        ).distinct()
    )


def valid_certificate(user, *, on):
    """The officer's 行政执法证 valid on `on`, or None (《行政处罚法》第四十二条: officers hold
    enforcement certificates; an expired or revoked one does not count)."""
    from .models import EnforcementCertificate

    return (
        EnforcementCertificate.objects.filter(
            user=user, revoked_at__isnull=True, valid_from__lte=on, valid_until__gte=on
        )
        .order_by("-valid_until")
        .first()
    )


def certified_user_ids(user_ids, *, on) -> set[int]:
    """Of `user_ids`, those holding a valid 行政执法证 on `on` (one query)."""
    from .models import EnforcementCertificate

    return set(
        EnforcementCertificate.objects.filter(
            user_id__in=list(user_ids),
            revoked_at__isnull=True,
            valid_from__lte=on,
            valid_until__gte=on,
        ).values_list("user_id", flat=True)
    )
