import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongban.core import backup


class Command(BaseCommand):
    help = "备份数据库和附件到一个 .tar.gz 文件（运行中可执行，数据一致）。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件路径（默认 var/backups/tongban-时间.tar.gz）")

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.VAR_DIR) / "backups" / f"tongban-{stamp}.tar.gz"
        try:
            manifest = backup.create(Path(path))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["rows"].values())
        files = len(manifest["files"]) - 1
        self.stdout.write(f"已备份到 {path}：数据 {rows} 行，附件 {files} 个（{manifest['vendor']}）")
