"""Bench-only Celery tasks (the worker of bench/reminders.py imports them with -I bench.tasks)."""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task


@shared_task(ignore_result=True)
def noop() -> None:
    """Does nothing: the yardstick of one message through the broker and the worker."""


@shared_task(ignore_result=True)
def stamp(path: str) -> None:
    """Write the time to `path`: marks the first and last message of a no-op burst."""
    Path(path).write_text(repr(time.time()))
