from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "tongban.appeals"
    label = "appeals"
    verbose_name = _("有诉即办")

    def ready(self) -> None:
        from tongban.core.calendar_store import on_calendar_change

        from . import inbox, menu, sweep  # noqa: F401  register inbox provider, menu, sweep
        from .services import recompute_open_appeals

        on_calendar_change("appeals")(recompute_open_appeals)

        from tongban.portal.nav import PortalLink
        from tongban.portal.nav import register as portal_link

        from .permissions import may_file

        portal_link(PortalLink(_("我要诉求"), "appeals:submit", "chat-left-text", 25, shown_to=may_file))
        portal_link(PortalLink(_("知识库"), "appeals:kb_search", "book", 27))
        portal_link(PortalLink(_("我的诉求"), "appeals:my_appeals", "chat-square-text", 43, applicants_only=True))
