from django.core.management.base import BaseCommand, CommandError

from tongban.core import audit


class Command(BaseCommand):
    help = "审计链工具：verify 校验哈希链，报告第一条被改动、删除或插入的事件。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message()))
            return
        raise CommandError(result.message())
