"""Reads of bundle applications with their cases, for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.cases.models import Case

from .models import BundleApplication
from .permissions import applications_for
from .services import OVERALL_LABELS, overall_status


@dataclass
class ApplicationView:
    application: BundleApplication
    cases: list[Case]
    status: str

    @property
    def status_label(self) -> str:
        return OVERALL_LABELS[self.status]

    @property
    def notices(self):
        return [c.supplement_notice for c in self.cases
                if c.status == "supplement" and hasattr(c, "supplement_notice")]


def application_view(application: BundleApplication) -> ApplicationView:
    cases = list(Case.objects.filter(bundle_entry__application=application)
                 .select_related("version", "organisation", "supplement_notice").order_by("bundle_entry__order"))
    return ApplicationView(application, cases, overall_status(cases))


def my_applications(actor) -> list[ApplicationView]:
    apps = applications_for(actor).select_related("bundle").order_by("-submitted_at")[:100]
    return [application_view(a) for a in apps]
