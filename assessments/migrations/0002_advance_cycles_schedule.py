"""The periodic task that moves assessment cycles into their phases, stored for django-celery-beat.

Hourly: a phase starts on its date (local time), so the move happens within the hour after
midnight; final follows the 公示 window. Idempotent: running this again changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "assessments: move cycles into their phases"
TASK = "assessments.tasks.advance_cycles"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_hour = IntervalSchedule.objects.filter(every=1, period="hours").order_by("pk").first()
    if every_hour is None:
        every_hour = IntervalSchedule.objects.create(every=1, period="hours")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every_hour,
            "description": "Move assessment cycles whose phase date has come; finalise after the 公示 window.",
        },
    )
    if created:
        # Tell a running beat that the schedule changed (what PeriodicTasks.changed does).
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
