"""The administrators' page of event deliveries: what failed, why, and a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.permissions import requires

from . import events
from .errors import Conflict
from .models import EventDelivery

PERM = "core.manage_events"


@requires(PERM)
def delivery_list(request):
    status = request.GET.get("status", "problems")
    qs = EventDelivery.objects.order_by("-created_at", "-id")
    if status == "problems":
        qs = qs.filter(status__in=[EventDelivery.Status.FAILED, EventDelivery.Status.RETRY])
    elif status in EventDelivery.Status.values:
        qs = qs.filter(status=status)
    counts = dict(EventDelivery.objects.order_by().values_list("status").annotate(n=Count("id")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    statuses = [(value, label, counts.get(value, 0)) for value, label in EventDelivery.Status.choices]
    return render(request, "core/events.html", {"page": page, "status": status, "statuses": statuses})


@requires(PERM)
@require_POST
def delivery_retry(request, pk: int):
    try:
        events.retry(actor=request.user, delivery_id=pk)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新排队投递。"))
    return redirect(request.POST.get("next") or "core:events")
