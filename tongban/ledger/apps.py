from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tongban.ledger"
    label = "ledger"
    verbose_name = _("整治台账")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED
        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from . import home, inbox, menu, panels, tasks  # noqa: F401  home cards, inbox, menu, panel, sweep
        from .assessment import indicators  # noqa: F401  the named computations

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)
        portal_link(PortalLink(_("整改公示"), "ledger:public_index", "list-check", 37))
