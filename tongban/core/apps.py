from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import audit_signals  # noqa: F401  login/logout/failed-login events
        from .calendar import WorkCalendar
        from .calendar_store import cached_calendar

        WorkCalendar.set_default_loader(cached_calendar)

        import datetime as dt

        from . import inbox, supervision, sweeps
        from .tasks import retry_event_deliveries

        sweeps.register("core.event_retries", retry_event_deliveries, dt.timedelta(minutes=1))
        inbox.register("supervision")(supervision.press_items)
        inbox.register_counter("supervision")(supervision.press_counts)

        from django.db.models.signals import post_delete, post_save

        # Any committed change may change someone's inbox: drop the cached inboxes (core.inbox).
        post_save.connect(inbox.on_write, dispatch_uid="tongban.inbox.post_save")
        post_delete.connect(inbox.on_write, dispatch_uid="tongban.inbox.post_delete")
        # Sweeps and event deliveries run as tasks and may change rows in bulk (no post_save).
        from django_tasks.signals import task_finished

        task_finished.connect(inbox.on_task_finished, dispatch_uid="tongban.inbox.task_finished")

        from . import home  # noqa: F401  register the applicant home sections
