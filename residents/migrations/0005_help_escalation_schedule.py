"""The periodic task that escalates overdue help requests to the street, for django-celery-beat.

Every 15 minutes. Idempotent: running this again changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "residents: escalate overdue help requests"
TASK = "residents.tasks_help.escalate_overdue_help_requests"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every = IntervalSchedule.objects.filter(every=15, period="minutes").order_by("pk").first()
    if every is None:
        every = IntervalSchedule.objects.create(every=15, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every,
            "description": "Pass open help requests past their due time to the street, once each.",
        },
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_purge_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
