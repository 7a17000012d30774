from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "tongban.enforcement"
    label = "enforcement"
    verbose_name = _("行政执法")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED
        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from . import home, inbox, menu, panels, tasks  # noqa: F401  register with core
        from .services import on_appeal_referred, on_inspection_handed_over

        events.subscribe("inspection.handed_over", on_inspection_handed_over)
        events.subscribe("appeal.referred", on_appeal_referred)
        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)
        portal_link(PortalLink(_("执法公示"), "enforcement:public_decisions", "megaphone", 60))
        portal_link(PortalLink(_("我的执法案件"), "enforcement:my_cases", "shield-check", 65, applicants_only=True))
