from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification, WorkerHeartbeat


@login_not_required
@never_cache
def ping(request):
    """Public on purpose: a liveness probe that touches nothing (and the load test's ceiling:
    the cheapest answer this server can give through the full middleware stack)."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@never_cache
def healthz(request):
    """Public on purpose: load balancers probe it. Reports no personal data."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body: dict = {"status": "ok", "time": timezone.now().isoformat()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # health must report, not crash
        body["database"] = {"status": "error", "error": exc.__class__.__name__}
        body["status"] = "error"
    if body["status"] == "ok":
        window = dt.timedelta(seconds=settings.TONGBAN_WORKER_HEARTBEAT_SECONDS * 4)
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - window).count()
        from django_tasks_db.models import DBTaskResult

        pending = DBTaskResult.objects.ready().count()
        body["worker"] = {
            "status": "ok" if alive else "down",
            "alive": alive,
            "pending_tasks": pending,
        }
        if not alive:
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if body["status"] != "error" else 503)


def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    template = "workspace_base.html" if request.user.is_staff_member else "portal_base.html"
    return render(
        request,
        "core/notifications.html",
        {"page": page, "only_unread": only_unread, "shell": template},
    )


@require_POST
def notification_mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications.mark_read(request.user, ids)
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("core:notifications")


def _shell(request) -> str:
    """Staff see an error inside their workspace (menu still there); everyone else the portal."""
    user = getattr(request, "user", None)
    return "workspace_base.html" if getattr(user, "is_staff_member", False) else "portal_base.html"


def error_403(request, exception=None):
    context = {"message": str(exception or ""), "shell": _shell(request)}
    return render(request, "403.html", context, status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", {"shell": _shell(request)}, status=404)


def audit_list(request):
    from .models import AuditEvent
    from .permissions import require, scope_q

    require(request.user, "core.view_audit")
    qs = AuditEvent.objects.order_by("-seq")
    if not request.user.is_superuser:
        # Events by staff of the actor's subtree; anonymous events only for platform admins.
        qs = qs.filter(scope_q(request.user, "actor__organisation"))
    action = request.GET.get("action", "").strip()
    who = request.GET.get("actor", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    if who:
        qs = qs.filter(actor_repr__icontains=who)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "action": action, "who": who})
