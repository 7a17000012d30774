"""Seed China's official calendar 2004-2026 from the pinned `chinesecalendar` package."""

from django.db import migrations


def seed(apps, schema_editor):
    from tongban.core.calendar_store import seed_from_chinese_calendar

    seed_from_chinese_calendar(apps.get_model("core", "CalendarDay"), apps.get_model("core", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
