from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    label = "accounts"
    verbose_name = _("用户与机构")

    def ready(self) -> None:
        from tongban.core.api_auth import register_session_gate, register_token_authenticator
        from tongban.core.menu import MenuEntry, register

        from . import permissions  # noqa: F401  grant the platform's permissions to the roles
        from .services import authenticate_token

        register_token_authenticator(authenticate_token)
        from .twofactor import refuse_unverified_api_session

        register_session_gate(refuse_unverified_api_session)
        register(
            MenuEntry(
                _("工作"), _("我的待办"), "workspace:inbox", "inbox", "workspace.view_inbox", 0
            )
        )
        register(
            MenuEntry(
                _("系统管理"),
                _("机构管理"),
                "accounts:organisations",
                "diagram-3",
                "accounts.view_staff",
                900,
            )
        )
        register(
            MenuEntry(
                _("系统管理"), _("人员管理"), "accounts:users", "people", "accounts.view_staff", 910
            )
        )
        register(
            MenuEntry(
                _("系统管理"),
                _("接口令牌"),
                "accounts:tokens",
                "key",
                "accounts.manage_tokens",
                915,
            )
        )
        register(
            MenuEntry(
                _("系统管理"), _("工作日历"), "core:calendar", "calendar3", "core.view_calendar", 905
            )
        )
        register(
            MenuEntry(
                _("系统管理"), _("审计日志"), "core:audit", "journal-check", "core.view_audit", 920
            )
        )
        register(
            MenuEntry(
                _("系统管理"), _("事件投递"), "core:events", "broadcast", "core.manage_events", 925
            )
        )
        register(
            MenuEntry(
                _("我的账号"), _("两步验证"), "accounts:2fa-codes", "shield-lock", "workspace.view_inbox", 990
            )
        )
