from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "tongban.reviews"
    label = "reviews"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from tongban.appeals import services as appeal_services
        from tongban.cases import services as case_services

        from . import inbox, menu, sweep  # noqa: F401  register inbox provider, menu, sweep
        from .hooks import invite_appeal_rating, invite_case_rating

        # Invite the applicant to rate once a case is decided, and the requester once an appeal
        # is answered; both apps call their hooks with the id after their commit.
        if invite_case_rating not in case_services.DECISION_HOOKS:
            case_services.DECISION_HOOKS.append(invite_case_rating)
        if invite_appeal_rating not in appeal_services.REPLY_HOOKS:
            appeal_services.REPLY_HOOKS.append(invite_appeal_rating)

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("好差评公示"), "reviews:public", "star-half", 35))

        from tongban.appeals.ratings import register_rating_lookup

        from . import panels  # noqa: F401  register the dashboard panel
        from .selectors import appeal_rating

        register_rating_lookup(appeal_rating)  # the requester's appeal page shows the rating
