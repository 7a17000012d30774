import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）和一个后台进程，适用于内置 SQLite 的单机部署。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TONGBAN_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="不启动后台进程")

    def handle(self, *args, bind, workers, threads, no_worker, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "tongban", "worker"])
        self.stdout.write(self.style.SUCCESS(f"通办已启动：http://{bind}/   （Ctrl+C 停止）"))
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        if settings.DEBUG:
            cmd.append("--reload")
        try:
            subprocess.run(cmd, check=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
