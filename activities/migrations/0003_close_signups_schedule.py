"""The periodic task that closes sign-up at the deadline, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "activities: close sign-up at the deadline"
TASK = "activities.tasks.close_due_signups"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_5 = IntervalSchedule.objects.filter(every=5, period="minutes").order_by("pk").first()
    if every_5 is None:
        every_5 = IntervalSchedule.objects.create(every=5, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every_5,
            "description": "Close sign-up of open activities whose sign-up deadline (or start) has passed.",
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
        ("activities", "0002_constraint_messages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
