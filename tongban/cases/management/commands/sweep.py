import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tongban.cases.sweep import run_sweep


class Command(BaseCommand):
    help = "电子监察扫描：逾期视为受理，标记黄牌/红牌预警（工作进程每 10 分钟自动运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期扫描 YYYY-MM-DD（用于核对）")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from None
        result = run_sweep(day)
        labels = {
            "deemed_accepted": "视为受理", "case_red": "红牌", "case_yellow": "黄牌", "case_cleared": "解除预警",
            "stage_red": "环节超期", "stage_yellow": "环节预警", "stage_cleared": "环节解除", "legal_overdue": "超法定时限",
        }
        self.stdout.write("，".join(f"{labels.get(k, k)} {v}" for k, v in result.items()))
