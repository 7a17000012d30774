"""Who may see a bundle application: its applicant (or the enterprise's users), and staff who may
see at least one of its cases."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.cases.permissions import cases_for

from .models import BundleApplication


def applications_for(actor) -> QuerySet[BundleApplication]:
    if not actor.is_authenticated:
        return BundleApplication.objects.none()
    if actor.is_superuser:
        return BundleApplication.objects.all()
    if actor.is_staff_member:
        return BundleApplication.objects.filter(entries__case__in=cases_for(actor)).distinct()
    q = Q(applicant=actor)
    if actor.enterprise_id:
        q |= Q(enterprise_id=actor.enterprise_id)
    return BundleApplication.objects.filter(q)


def get_application_for(actor, pk: int) -> BundleApplication:
    application = applications_for(actor).select_related("bundle", "applicant").filter(pk=pk).first()
    if application is None:
        raise Http404("一件事申请不存在或不在您的管辖范围内。")
    return application
