from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core import audit, backup


class Command(BaseCommand):
    help = "从备份文件恢复数据库和附件（覆盖当前数据；请先停止网站和后台进程）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="tongban backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据")

    def handle(self, *args, path, yes, **options):
        archive = Path(path)
        try:
            manifest = backup.read_manifest(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if not yes:
            raise CommandError(
                f"将用 {manifest['created_at']} 的备份覆盖当前数据库和附件。确认无误后加 --yes 重新执行。"
            )
        try:
            backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        audit.record("system.restore", changes={"archive": archive.name, "backup_created_at": manifest["created_at"]})
        result = audit.verify()
        state = result.message()
        self.stdout.write(f"已从 {archive} 恢复（备份时间 {manifest['created_at']}）；{state}")
        for message in backup.after_restore_checks():
            hint = f"\n  处理办法：{message.hint}" if message.hint else ""
            level = "错误" if message.is_serious() else "警告"
            self.stderr.write(self.style.WARNING(f"{level}（{message.id}）：{message.msg}{hint}"))
