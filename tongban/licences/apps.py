from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = _("电子证照")

    def ready(self) -> None:
        from tongban.cases.services import DECISION_HOOKS
        from tongban.workspace.menu import MenuEntry, register

        from . import permissions, tasks  # noqa: F401  grant permissions, register sweeps
        from .services import on_decision

        if on_decision not in DECISION_HOOKS:
            DECISION_HOOKS.append(on_decision)
        section = _("电子证照")
        register(MenuEntry(section, _("证照查询"), "licences:list", "patch-check", permissions.VIEW, 400))
        register(MenuEntry(section, _("证照类型"), "licences:types", "card-list", permissions.VIEW, 410))

        from tongban.portal.nav import PortalLink
        from tongban.portal.nav import register as portal_link

        portal_link(PortalLink(_("证照核验"), "licences:verify", "qr-code-scan", 50))
        portal_link(PortalLink(_("我的证照"), "licences:mine", "wallet2", 45, applicants_only=True))

        # --- licence reuse (免证可办): licences supplies application materials to cases ---
        from tongban.cases.providers import register_material_provider

        from .reuse import supply_materials

        register_material_provider(supply_materials)
        # --- end licence reuse ---
