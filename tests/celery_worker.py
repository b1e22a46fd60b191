"""A real Celery worker for tests (registered by tests/conftest.py as a pytest plugin).

The worker is a thread in the test process running portal.celery.app against the configured
broker: Kombu's filesystem transport under PORTAL_VAR_DIR on SQLite runs, Redis when REDIS_URL
is set. Tasks run for real (no eager mode) and see the test database through their own
connection, so tests that use it must commit: mark them `django_db(transaction=True)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from portal.celery import app


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's own database connections: close them after every task so the test
    # database can be flushed and dropped at the end (PostgreSQL refuses while one is open).
    connections.close_all()


@pytest.fixture
def celery_worker(transactional_db) -> Iterator:
    """Start a worker thread (solo pool) for one test; stop it, and empty the queue, afterwards."""
    app.loader.import_default_modules()  # autodiscover every app's tasks.py, as `celery worker` does
    app.control.purge()  # messages left by an earlier run would otherwise run here
    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid="tests.celery_worker")
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False  # leave pytest's and Django's log handlers alone
    try:
        # No result backend is configured (results are ignored), so no ping round-trip.
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        app.conf.worker_hijack_root_logger = hijack
        task_postrun.disconnect(dispatch_uid="tests.celery_worker")
        app.control.purge()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, interval: float = 0.2) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
