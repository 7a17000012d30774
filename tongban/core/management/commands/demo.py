from django.core.management.base import BaseCommand

from tongban.core.demo import DEMO_PASSWORD, load_all, logins


class Command(BaseCommand):
    help = "载入演示数据（人防办示范配置），可重复运行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet, **options):
        load_all(lambda msg: self.stdout.write(msg))
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"\n演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, desc in logins():
            self.stdout.write(f"  {username:<16} {desc}")
