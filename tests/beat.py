"""The beat row a data migration creates, on whatever database the test has.

A transactional test flushes every table, beat rows included, and --reuse-db keeps a database
whose rows tests may have changed; so a test of a schedule does not trust the row it finds. It
runs the migration's own `core.beat.BeatRow` again (idempotent: a row of that name is kept) and
checks the row and that the Celery app knows its task.
"""

from __future__ import annotations

import importlib

from celery import current_app
from django_celery_beat.models import PeriodicTask

from core.beat import BeatRow


def migration_row(migration: str, attribute: str = "SCHEDULE") -> BeatRow:
    """`migration`: "app.000N_name"; the BeatRow it declares as `attribute`."""
    app, name = migration.split(".", 1)
    return getattr(importlib.import_module(f"{app}.migrations.{name}"), attribute)


def beat_row(migration: str, attribute: str = "SCHEDULE") -> PeriodicTask:
    """Ensure the row `migration` creates (twice: the second run changes nothing) and return it."""
    spec = migration_row(migration, attribute)
    spec.ensure()
    assert spec.ensure() is False
    current_app.loader.import_default_modules()
    assert spec.task in current_app.tasks, f"{spec.task} is not a registered Celery task"
    rows = PeriodicTask.objects.filter(name=spec.name).select_related("interval", "crontab")
    assert rows.count() == 1
    return rows.get()


def interval(row: PeriodicTask) -> tuple[int, str]:
    return row.interval.every, row.interval.period
