from django.shortcuts import render

from tongban.core.permissions import requires

from .registry import panels_for


@requires("dashboard.view")
def index(request):
    panels = panels_for(request.user)
    charts = [c for p in panels for c in p.charts]
    return render(request, "dashboard/index.html", {"panels": panels, "charts": charts})
