"""The background worker loop: heartbeat, periodic sweeps, then queued tasks."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from django.db import close_old_connections
from django.utils import timezone

from . import sweeps
from .models import WorkerHeartbeat

logger = logging.getLogger("tongban.worker")


class TongbanWorker:
    def __init__(self, *, interval: float = 2.0, worker_id: str | None = None):
        self.interval = interval
        self.worker_id = (
            worker_id or f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        )
        self.started_at = timezone.now()
        self.tasks_run = 0
        self.running = True

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:120],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": timezone.now(),
                "tasks_run": self.tasks_run,
            },
        )

    def drain(self) -> int:
        """Run every ready task once; return how many ran."""
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        worker.run()
        self.tasks_run += worker._run_tasks
        return worker._run_tasks

    def run_once(self) -> dict:
        close_old_connections()
        self.beat()
        started = sweeps.enqueue_due(self.worker_id)
        ran = self.drain()
        return {"sweeps": started, "tasks": ran}

    def run_forever(self) -> None:
        logger.info("worker %s started", self.worker_id)
        while self.running:
            try:
                result = self.run_once()
                if result["tasks"]:
                    logger.info(
                        "ran %d task(s); sweeps enqueued: %s", result["tasks"], result["sweeps"]
                    )
            except Exception:  # keep the worker alive; the task row records the failure
                logger.exception("worker loop error")
            time.sleep(self.interval)

    def stop(self) -> None:
        self.running = False
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
