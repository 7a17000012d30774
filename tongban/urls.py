from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tongban.api import api
from tongban.core import views as core_views

handler403 = "tongban.core.views.error_403"
handler404 = "tongban.core.views.error_404"


def _public(patterns):
    """The API authenticates itself (session or token) and answers 401 as JSON, so the
    login-redirect middleware must not intercept it."""
    for p in patterns:
        if hasattr(p, "url_patterns"):
            _public(p.url_patterns)
        else:
            p.callback.login_required = False
    return patterns


api_urls = api.urls
_public(api_urls[0])

urlpatterns = [
    path("", include("tongban.portal.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("ping", core_views.ping, name="ping"),
    path("accounts/", include("tongban.accounts.urls")),
    path("workspace/", include("tongban.workspace.urls")),
    path("catalog/", include("tongban.catalog.urls")),
    path("guides/", include("tongban.catalog.public_urls")),
    path("cases/", include("tongban.cases.urls")),
    path("dashboard/", include("tongban.dashboard.urls")),
    path("appeals/", include("tongban.appeals.urls")),
    path("open311/", include("tongban.appeals.open311_urls")),
    path("reviews/", include("tongban.reviews.urls")),
    path("policies/", include("tongban.policies.urls")),
    path("licences/", include("tongban.licences.urls")),
    path("bundles/", include("tongban.bundles.urls")),
    path("inspections/", include("tongban.inspections.urls")),
    path("enforcement/", include("tongban.enforcement.urls")),
    path("credit/", include("tongban.credit.urls")),
    path("ledger/", include("tongban.ledger.urls")),
    path("works/", include("tongban.works.urls")),
    path("", include("tongban.core.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", api_urls),
    path("admin/", admin.site.urls),
]
