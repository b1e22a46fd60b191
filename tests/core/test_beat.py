"""core.beat: the one way data migrations create django-celery-beat rows. On an empty table (as a
transactional test's flush leaves it) a row is created with its schedule; again, nothing changes;
a row edited in the admin is kept; unapplying removes it; a running beat is told each time."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from celery import current_app
from django.apps import apps
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

from core.beat import BeatRow

pytestmark = pytest.mark.django_db

ROW = BeatRow(name="test: hourly", task="orgchart.tasks.sweep_stalled_imports", every=1, period="hours")
CRON = BeatRow(
    name="test: at 06:30",
    task="orgchart.tasks.sweep_stalled_imports",
    crontab={"minute": "30", "hour": "6", "timezone": "Asia/Shanghai"},
)


def _last_update():
    return PeriodicTasks.objects.filter(ident=1).values_list("last_update", flat=True).first()


def test_a_row_needs_exactly_one_schedule():
    with pytest.raises(ValueError):
        BeatRow(name="x", task="y")
    with pytest.raises(ValueError):
        BeatRow(name="x", task="y", every=1, period="days", crontab={"minute": "0"})


def test_ensure_on_an_empty_table_creates_once_and_tells_the_beat():
    PeriodicTask.objects.all().delete()  # what a flush leaves
    PeriodicTasks.objects.all().delete()
    assert ROW.ensure() is True
    told = _last_update()
    assert told is not None
    assert ROW.ensure() is False
    assert _last_update() == told  # nothing changed, nothing told
    row = PeriodicTask.objects.get(name=ROW.name)
    assert (row.task, row.interval.every, row.interval.period, row.crontab) == (ROW.task, 1, "hours", None)
    assert CRON.ensure() is True
    cron = PeriodicTask.objects.get(name=CRON.name).crontab
    assert (cron.minute, cron.hour, str(cron.timezone), row.interval) == (
        "30",
        "6",
        "Asia/Shanghai",
        row.interval,
    )


def test_an_existing_schedule_is_reused_and_an_edited_row_kept():
    IntervalSchedule.objects.get_or_create(every=1, period="hours")  # the migrations made one already
    intervals, crontabs = IntervalSchedule.objects.count(), CrontabSchedule.objects.count()
    ROW.ensure()
    PeriodicTask.objects.filter(name=ROW.name).update(enabled=False, description="暂停")
    ROW.ensure()
    row = PeriodicTask.objects.get(name=ROW.name)
    assert (row.enabled, row.description) == (False, "暂停")
    assert (IntervalSchedule.objects.count(), CrontabSchedule.objects.count()) == (intervals, crontabs)


def test_the_migration_operation_removes_the_row_when_unapplied():
    ROW.create_in_migration(apps, None)
    before = _last_update()
    ROW.remove_in_migration(apps, None)
    assert not PeriodicTask.objects.filter(name=ROW.name).exists()
    assert _last_update() >= before
    ROW.remove_in_migration(apps, None)  # again: nothing to do, no error


def _declared_rows() -> list[tuple[str, BeatRow]]:
    found = []
    for config in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ImportError:
            continue
        if not hasattr(package, "__path__") or "/site-packages/" in package.__path__[0]:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{config.name}.migrations.{info.name}")
            for attribute, value in vars(module).items():
                if isinstance(value, BeatRow):
                    found.append((f"{config.label}.{info.name}.{attribute}", value))
    return found


def test_every_migrations_beat_row_names_a_registered_task():
    rows = _declared_rows()
    assert len(rows) >= 13
    current_app.loader.import_default_modules()
    unknown = [where for where, row in rows if row.task not in current_app.tasks]
    assert not unknown, unknown
    # A name means one task everywhere (0005_reminders declares 0004's row again, to put it back).
    tasks_by_name: dict[str, set[str]] = {}
    for _where, row in rows:
        tasks_by_name.setdefault(row.name, set()).add(row.task)
    assert all(len(tasks) == 1 for tasks in tasks_by_name.values()), tasks_by_name
