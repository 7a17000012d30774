from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "tongban.credit"
    label = "credit"
    verbose_name = _("信用")

    def ready(self) -> None:
        from tongban.core import events, standing
        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        from . import handlers, home, inbox, menu, panels, tasks  # noqa: F401  register inbox, menu, panel, sweep, home
        from .selectors import standing_bulk

        standing.register(standing_bulk)  # 联合奖惩: cases, inspections and policies ask core.standing
        events.subscribe("case.decided", handlers.on_case_decided)
        events.subscribe("enforcement.published", handlers.on_enforcement_published)
        events.subscribe("enforcement.revoked", handlers.on_enforcement_revoked)
        events.subscribe("inspection.result_published", handlers.on_inspection_result_published)
        events.subscribe("review.verified", handlers.on_review_verified)
        events.subscribe("works.party_conduct", handlers.on_works_party_conduct)  # payload only: works is above us
        from tongban.core.calendar_store import CALENDAR_CHANGED

        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)
        portal_link(PortalLink(_("信用查询"), "credit:query", "shield-check", 37))
        portal_link(PortalLink(_("我的信用"), "credit:mine", "shield-exclamation", 45, applicants_only=True))
