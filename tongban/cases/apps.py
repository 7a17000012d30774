from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from tongban.core.calendar_store import on_calendar_change

        from . import inbox, menu, sweep  # noqa: F401  register inbox provider, menu, sweep
        from .services import recompute_open_cases

        on_calendar_change("cases")(recompute_open_cases)
