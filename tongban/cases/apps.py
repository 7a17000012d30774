from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED

        from . import inbox, menu, tasks  # noqa: F401  register inbox provider, menu, sweep

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("进度查询"), "cases:progress", "search", 30))
        portal_link(PortalLink(_("我的办件"), "cases:my_cases", "folder2-open", 40, applicants_only=True))

        from . import (
            home,  # noqa: F401  register the applicant home sections
            panels,  # noqa: F401  register the dashboard panel
        )
