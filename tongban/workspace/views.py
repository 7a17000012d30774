from django.shortcuts import render

from tongban.accounts.permissions import requires
from tongban.core.inbox import items_for


@requires("workspace.view_inbox")
def inbox(request):
    items = items_for(request.user)
    counts = {
        "total": len(items),
        "red": sum(1 for i in items if i.warning == "red"),
        "yellow": sum(1 for i in items if i.warning == "yellow"),
    }
    return render(request, "workspace/inbox.html", {"items": items, "counts": counts})
