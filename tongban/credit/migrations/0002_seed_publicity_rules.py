"""Seed the two publicity regimes every record may cite. Dates and the earlier regime's minor-tier
handling are [K]: configurable data, checked against the official texts by the agency."""

import datetime as dt

from django.db import migrations

RULES = [
    {
        "code": "2021", "name": "失信信息修复（2021 试行）",
        "basis": "国家发展改革委令第58号《失信行为纠正后的信用信息修复管理办法（试行）》",
        "effective_from": dt.date(2021, 7, 1),
        # [K] minor violations were published like general ones: at least 3 months, at most 1 year.
        "minor_publish": True, "minor_min_months": 3, "minor_max_months": 12,
        "general_min_months": 3, "general_max_months": 12, "serious_min_months": 12, "serious_max_months": 36,
        "unpublished_kinds": ["warning"], "publish_summary_fines": False,
        "note": "[K] 2025 年新规施行前的公示期限；轻微失信按一般失信公示。",
    },
    {
        "code": "2025", "name": "信用信息公示与修复（2025）", "basis": "国办发〔2025〕22号",
        "effective_from": dt.date(2025, 4, 1),  # [K] date in force
        "minor_publish": False, "minor_min_months": 0, "minor_max_months": 3,
        "general_min_months": 3, "general_max_months": 12, "serious_min_months": 12, "serious_max_months": 36,
        "unpublished_kinds": ["warning"], "publish_summary_fines": False,
        "note": "轻微失信可不公示（最长 3 个月）；一般失信 3 个月至 1 年；严重失信 1 年至 3 年；最短期满后可申请修复。",
    },
]


def seed(apps, schema_editor):
    Rule = apps.get_model("credit", "PublicityRule")
    for row in RULES:
        Rule.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
