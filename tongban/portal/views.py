from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from tongban.accounts.models import Organisation
from tongban.core.applicant_home import sections_for


@login_not_required
def home(request):
    """Public on purpose: the portal's front page. A logged-in enterprise or citizen also finds
    what is theirs, in the sections that modules register (core.applicant_home)."""
    agencies = list(
        Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True)
        .only("name", "level", "phone", "path", "depth")
        .order_by("path")
    )
    return render(request, "portal/home.html", {"agencies": agencies, "home_sections": sections_for(request.user)})
