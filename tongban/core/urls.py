from django.urls import path

from . import calendar_views, events_views, views

app_name = "core"
urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications-read"),
    path("workspace/audit/", views.audit_list, name="audit"),
    path("workspace/events/", events_views.delivery_list, name="events"),
    path("workspace/events/<int:pk>/retry/", events_views.delivery_retry, name="event-retry"),
    path("workspace/calendar/", calendar_views.calendar_page, name="calendar"),
    path("workspace/calendar/day/", calendar_views.calendar_day_save, name="calendar-day"),
    path("workspace/calendar/day/delete/", calendar_views.calendar_day_delete, name="calendar-day-delete"),
    path("workspace/calendar/import/", calendar_views.calendar_import, name="calendar-import"),
    path("workspace/calendar/<int:year>/entered/", calendar_views.calendar_year_entered, name="calendar-year"),
]
