"""Periodic-task rows of django-celery-beat, as the apps' data migrations create them.

One `BeatRow` per periodic task says its name, the Celery task, and either an interval (`every`,
`period`) or a crontab. A migration runs `ROW.operation()` (a RunPython that creates the row and
removes it when unapplied); tests call `ROW.ensure()` on the live registry, so a test of the beat
row holds after a flush or with --reuse-db and checks exactly what the migration creates.

Works on the historical models of a migration (`apps` given) and on the live ones (no `apps`).
Creating is idempotent: a row of that name that exists (perhaps edited in the admin) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import migrations
from django.utils import timezone


def _apps(apps):
    if apps is None:
        from django.apps import apps as live

        return live
    return apps


def _model(apps, name: str):
    return _apps(apps).get_model("django_celery_beat", name)


def _schedule_changed(apps) -> None:
    """Tell a running beat that the schedule changed (what PeriodicTasks.changed does)."""
    _model(apps, "PeriodicTasks").objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


@dataclass(frozen=True)
class BeatRow:
    name: str
    task: str
    description: str = ""
    every: int | None = None
    period: str = ""  # an IntervalSchedule period: "minutes", "hours", "days"
    crontab: dict[str, str] = field(default_factory=dict)  # CrontabSchedule fields

    def __post_init__(self) -> None:
        if bool(self.every) == bool(self.crontab):
            raise ValueError(f"{self.name}: give either every/period or crontab")

    def _schedule(self, apps) -> dict:
        if self.crontab:
            model, fields, key = _model(apps, "CrontabSchedule"), self.crontab, "crontab"
        else:
            model, fields, key = (
                _model(apps, "IntervalSchedule"),
                {"every": self.every, "period": self.period},
                "interval",
            )
        schedule = model.objects.filter(**fields).order_by("pk").first()
        return {key: schedule or model.objects.create(**fields)}

    def ensure(self, apps=None, *, notify_always: bool = False) -> bool:
        """Create the row unless one of this name exists; True when created."""
        _row, created = _model(apps, "PeriodicTask").objects.get_or_create(
            name=self.name,
            defaults={"task": self.task, "description": self.description, **self._schedule(apps)},
        )
        if created or notify_always:
            _schedule_changed(apps)
        return created

    def remove(self, apps=None) -> None:
        """Delete the row of this name and task."""
        deleted, _ = _model(apps, "PeriodicTask").objects.filter(name=self.name, task=self.task).delete()
        if deleted:
            _schedule_changed(apps)

    def create_in_migration(self, apps, schema_editor) -> None:
        self.ensure(apps)

    def remove_in_migration(self, apps, schema_editor) -> None:
        self.remove(apps)

    def operation(self) -> migrations.RunPython:
        """The migration operation: create the row; unapplied, remove it."""
        return migrations.RunPython(self.create_in_migration, self.remove_in_migration)
