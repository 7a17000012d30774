from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "tongban.policies"
    label = "policies"
    verbose_name = _("免申即享")

    def ready(self) -> None:
        from tongban.core.menu import MenuEntry, register

        from . import inbox, permissions, tasks  # noqa: F401  register inbox provider and sweep

        section = _("免申即享")
        register(MenuEntry(section, _("惠企政策"), "policies:list", "gift", permissions.VIEW, 400))
        register(
            MenuEntry(
                section, _("企业画像"), "policies:profiles", "buildings", permissions.VIEW, 410
            )
        )
        register(
            MenuEntry(
                section, _("批量匹配"), "policies:runs", "lightning-charge", permissions.MANAGE, 420
            )
        )
        register(
            MenuEntry(
                section,
                _("画像导入"),
                "policies:import",
                "file-earmark-arrow-up",
                permissions.MANAGE,
                430,
            )
        )
        register(
            MenuEntry(section, _("费用计算"), "policies:fee", "calculator", permissions.VIEW, 440)
        )

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("惠企政策"), "policies:public_index", "gift", 20))
        portal_link(PortalLink(_("我的政策"), "policies:mine", "stars", 44, applicants_only=True,
                               shown_to=permissions.is_enterprise_user))

        from . import (
            home,  # noqa: F401  register the applicant home sections
            panels,  # noqa: F401  register the dashboard panel
        )
