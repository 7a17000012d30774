from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tongban.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from tongban.accounts.models import Role
        from tongban.core.menu import MenuEntry, register
        from tongban.core.permissions import grant

        for role in (Role.APPROVER, Role.SUPERVISOR, Role.ADMIN):
            grant(role, "dashboard.view")
        register(MenuEntry(_("监察"), _("领导驾驶舱"), "dashboard:index", "speedometer2", "dashboard.view", 40))
