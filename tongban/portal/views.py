from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from tongban.accounts.models import Organisation


@login_not_required
def home(request):
    """Public on purpose: the portal's front page."""
    agencies = list(
        Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True)
        .only("name", "level", "phone", "path", "depth")
        .order_by("path")
    )
    return render(request, "portal/home.html", {"agencies": agencies})
