"""The periodic task that passes expired waiting-list offers on, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "volunteers: pass expired waiting-list offers on"
TASK = "volunteers.tasks.expire_offers"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute = IntervalSchedule.objects.filter(every=1, period="minutes").order_by("pk").first()
    if every_minute is None:
        every_minute = IntervalSchedule.objects.create(every=1, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "Expire waiting-list offers not confirmed in time and offer the place to the next.",
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
        ("volunteers", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
