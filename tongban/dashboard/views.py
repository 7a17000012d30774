from django.shortcuts import render

from tongban.core.panels import panels_for
from tongban.core.permissions import requires


@requires("dashboard.view")
def index(request):
    panels = panels_for(request.user)
    charts = [c for p in panels for c in p.charts]
    return render(request, "dashboard/index.html", {"panels": panels, "charts": charts})
