from django.shortcuts import render

from tongban.accounts.permissions import requires
from tongban.core.inbox import counts_for, items_for

SHOWN = 50


@requires("workspace.view_inbox")
def inbox(request):
    items = items_for(request.user)
    counts = counts_for(request.user, items)
    return render(request, "workspace/inbox.html", {"items": items[:SHOWN], "counts": counts, "shown": SHOWN})
