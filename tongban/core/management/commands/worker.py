import signal

from django.core.management.base import BaseCommand

from tongban.core.worker import TongbanWorker


class Command(BaseCommand):
    help = "运行后台进程：执行任务队列和定时巡检（电子监察等）。可在多台机器上运行多个。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="空闲时轮询间隔（秒）")
        parser.add_argument(
            "--once", action="store_true", help="执行一轮后退出（用于 cron 或测试）"
        )

    def handle(self, *args, interval, once, **options):
        worker = TongbanWorker(interval=interval)
        if once:
            result = worker.run_once()
            self.stdout.write(f"sweeps={','.join(result['sweeps']) or '-'} tasks={result['tasks']}")
            return

        def _stop(signum, frame):
            worker.running = False

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"后台进程 {worker.worker_id} 已启动")
        try:
            worker.run_forever()
        finally:
            worker.stop()
