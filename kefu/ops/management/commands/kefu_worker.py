"""The background worker: runs tasks from the configured backend and enqueues periodic jobs when due."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kefu.ops.scheduler import enqueue_due

logger = logging.getLogger("kefu.worker")


def _scheduler_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due()
        except Exception:
            logger.exception("periodic scheduling failed; retrying")
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker (django-tasks-db, or RQ when REDIS_URL is set) with the scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true", help="only execute tasks")
        parser.add_argument("--schedule-interval", type=float, default=10.0)

    def handle(self, *args, no_scheduler: bool, schedule_interval: float, **options):
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(target=_scheduler_loop, args=(stop, schedule_interval), daemon=True).start()
        try:
            if "rq" in settings.TASKS["default"]["BACKEND"].lower():
                call_command("rqworker", "default", with_scheduler=True)
            else:
                call_command("db_worker", queue_name="*", reload=False, interval=1)
        finally:
            stop.set()
            time.sleep(0)
