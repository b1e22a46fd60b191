"""The daily periodic task that removes the personal data of long-deregistered residents, for
django-celery-beat. Idempotent: running this again changes nothing."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "residents: purge personal data of departed residents"
TASK = "residents.tasks.purge_departed_residents"


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
            "description": "Clear personal fields of residents deregistered past RESIDENTS_RETENTION_DAYS.",
        },
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_help"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
