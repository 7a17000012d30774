from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksConfig(AppConfig):
    name = "tongban.works"
    label = "works"
    verbose_name = _("人防工程")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED
        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from . import home, inbox, menu, panels, permissions, tasks  # noqa: F401  registries

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)
        portal_link(PortalLink(_("人防工程报监"), "works:my_projects", "bricks", 45, applicants_only=True))
