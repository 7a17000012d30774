from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "tongban.bundles"
    label = "bundles"
    verbose_name = _("一件事一次办")

    def ready(self) -> None:
        from tongban.cases.services import DECISION_HOOKS, SUPPLEMENT_HOOKS

        from . import tasks  # noqa: F401  register the sweep
        from .services import on_case_decided, on_supplement_requested

        if on_case_decided not in DECISION_HOOKS:
            DECISION_HOOKS.append(on_case_decided)
        if on_supplement_requested not in SUPPLEMENT_HOOKS:
            SUPPLEMENT_HOOKS.append(on_supplement_requested)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("我的一件事"), "bundles:mine", "collection", 42, applicants_only=True))
