"""The daily periodic task that flags co-building agreements expiring soon, for django-celery-beat.

Idempotent: running this again changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "cobuilding: flag agreements expiring soon"
TASK = "cobuilding.tasks.flag_expiring_agreements"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_day = IntervalSchedule.objects.filter(every=1, period="days").order_by("pk").first()
    if every_day is None:
        every_day = IntervalSchedule.objects.create(every=1, period="days")
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every_day,
            "description": "Tell both sides of co-building agreements ending within 30 days.",
        },
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cobuilding", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
