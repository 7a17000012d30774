from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = _("电子证照")

    def ready(self) -> None:
        from tongban.core import events
        from tongban.core.menu import MenuEntry, register

        from . import checks, permissions, tasks  # noqa: F401  checks registers the system checks

        events.subscribe("case.decided", tasks.on_case_decided)
        section = _("电子证照")
        register(MenuEntry(section, _("证照查询"), "licences:list", "patch-check", permissions.VIEW, 400))
        register(MenuEntry(section, _("证照类型"), "licences:types", "card-list", permissions.VIEW, 410))

        from tongban.core.portal_nav import PortalLink
        from tongban.core.portal_nav import register as portal_link

        portal_link(PortalLink(_("证照核验"), "licences:verify", "qr-code-scan", 50))
        portal_link(PortalLink(_("我的证照"), "licences:mine", "wallet2", 45, applicants_only=True))

        # The applicant's own e-licence stands in for a material (免证可办): the guide says 可免提交
        # and the form drops the upload for exactly these materials.
        from tongban.catalog.material_sources import register_material_provider

        from .reuse import supply_materials

        register_material_provider(supply_materials)

        from . import home  # noqa: F401  register the applicant home sections
