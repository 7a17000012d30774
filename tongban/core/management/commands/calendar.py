import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tongban.core.calendar_store import cached_calendar


class Command(BaseCommand):
    help = "工作日推算：add 计算 N 个工作日期限的届满日；explain 逐日列出计入或跳过的原因。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "explain"])
        parser.add_argument("date", help="起算事件日期 YYYY-MM-DD（当日不计）")
        parser.add_argument("days", type=int, help="工作日数")

    def handle(self, *args, action, date, days, **options):
        try:
            start = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from None
        if days < 0:
            raise CommandError("工作日数不能为负数")
        cal = cached_calendar()
        due = cal.add_workdays(start, days)
        mark = "（临时：该年度放假安排未录入，按周末推算）" if cal.is_provisional(due) else ""
        if action == "add":
            self.stdout.write(f"{due.isoformat()}{mark}")
            return
        for row in cal.explain(start, days):
            counted = f"第 {row.ordinal:>3} 个工作日" if row.counted else "      不计      "
            self.stdout.write(f"{row.date.isoformat()} {'一二三四五六日'[row.date.weekday()]}  {counted}  {row.reason}")
        self.stdout.write(f"届满：{due.isoformat()} 24:00（北京时间）{mark}")
