"""The periodic task that flags branches behind on 三会一课, stored for django-celery-beat.

Daily at 06:30 (Asia/Shanghai): the task is idempotent per branch and month (ComplianceFlag), so
polling daily sends each month's flags on the first day and nothing on the others, and a day the
beat missed is caught up the next. Running this migration again changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "volunteers: flag branches behind on 三会一课"
TASK = "volunteers.tasks.flag_behind_branches"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    fields = {
        "minute": "30",
        "hour": "6",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": "Asia/Shanghai",
    }
    daily = CrontabSchedule.objects.filter(**fields).order_by("pk").first()
    if daily is None:
        daily = CrontabSchedule.objects.create(**fields)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "description": "Notify the secretaries of branches behind on 三会一课, once per branch and month.",
        },
    )
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0005_hours_certificate"),
        ("activities", "0005_sanhui_requirements"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
