from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "tongban.appeals"
    label = "appeals"
    verbose_name = _("有诉即办")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED

        from . import inbox, menu, tasks  # noqa: F401  register inbox provider, menu, sweep

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from .permissions import may_file

        portal_link(PortalLink(_("我要诉求"), "appeals:submit", "chat-left-text", 25, shown_to=may_file))
        portal_link(PortalLink(_("知识库"), "appeals:kb_search", "book", 27))
        portal_link(PortalLink(_("我的诉求"), "appeals:my_appeals", "chat-square-text", 43, applicants_only=True))

        from . import (
            home,  # noqa: F401  register the applicant home sections
            panels,  # noqa: F401  register the dashboard panel
        )
