from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "tongban.reviews"
    label = "reviews"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.calendar_store import CALENDAR_CHANGED

        from . import inbox, menu, tasks  # noqa: F401  register inbox provider, menu, sweep
        from .hooks import invite_appeal_rating, invite_case_rating

        # Invite the applicant to rate once a case is decided, and the requester once an appeal
        # is answered.
        events.subscribe("case.decided", invite_case_rating)
        events.subscribe("appeal.replied", invite_appeal_rating)
        events.subscribe(CALENDAR_CHANGED, tasks.on_calendar_changed)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("好差评公示"), "reviews:public", "star-half", 35))

        from tongban.appeals.ratings import register_rating_lookup

        from . import panels  # noqa: F401  register the dashboard panel
        from .selectors import appeal_rating

        register_rating_lookup(appeal_rating)  # the requester's appeal page shows the rating

        from . import home  # noqa: F401  register the applicant home sections
