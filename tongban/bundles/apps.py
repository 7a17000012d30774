from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "tongban.bundles"
    label = "bundles"
    verbose_name = _("一件事一次办")

    def ready(self) -> None:
        from tongban.core import events

        from . import tasks  # noqa: F401  register the sweep
        from .services import on_case_decided, on_supplement_requested

        events.subscribe("case.decided", on_case_decided)
        events.subscribe("case.supplement_requested", on_supplement_requested)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("我的一件事"), "bundles:mine", "collection", 42, applicants_only=True))
