from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "tongban.inspections"
    label = "inspections"
    verbose_name = _("双随机一公开")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED
        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from . import home, inbox, menu, panels, permissions, tasks  # noqa: F401  registries

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)

        portal_link(PortalLink(_("双随机一公开"), "inspections:public_index", "shuffle", 60))
        portal_link(PortalLink(_("我的检查"), "inspections:my_company", "clipboard-check", 45,
                               shown_to=lambda u: bool(getattr(u, "is_authenticated", False)
                                                       and getattr(u, "enterprise_id", None))))
