from django.shortcuts import render

from tongban.core.inbox import cached_for
from tongban.core.permissions import has_perm, requires
from tongban.core.selectors import next_year_missing

SHOWN = 50


@requires("workspace.view_inbox")
def inbox(request):
    items, counts = cached_for(request.user)
    modules = sorted({str(i.module) for i in items})
    module, warning = request.GET.get("module", ""), request.GET.get("warning", "")
    shown = [i for i in items if (not module or str(i.module) == module) and (not warning or i.warning == warning)]
    return render(request, "workspace/inbox.html", {
        "items": shown[:SHOWN], "counts": counts, "shown": SHOWN, "modules": modules,
        "module": module, "warning": warning,
        # Calendar administrators see the banner on every page; others read it here, once.
        "calendar_notice_year": None if has_perm(request.user, "core.manage_calendar") else next_year_missing(),
    })
