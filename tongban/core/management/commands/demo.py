import logging

from django.core.management.base import BaseCommand

from tongban.core.demo import DEMO_PASSWORD, load_all, logins


class Command(BaseCommand):
    help = "载入演示数据（人防办示范配置），可重复运行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不打印载入过程和演示账号")
        parser.add_argument("--accounts", action="store_true", help="与 --quiet 同用：只打印演示账号")

    def handle(self, *args, quiet, accounts, **options):
        if quiet:
            # The loaders' notifications log their (unsent) SMS; a quiet load prints none of it.
            logging.disable(logging.INFO)
            try:
                load_all(lambda msg: None)
            finally:
                logging.disable(logging.NOTSET)
        else:
            load_all(lambda msg: self.stdout.write(msg))
        if quiet and not accounts:
            return
        self.stdout.write(self.style.SUCCESS(f"{'' if quiet else chr(10)}演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, desc in logins():
            self.stdout.write(f"  {username:<16} {desc}")
