"""One periodic task for every reminder of the assessment, stored for django-celery-beat.

`assessments.tasks.send_reminders`, hourly, sends the rating reminders (until now the row of
0004, which this replaces) and the secretaries' and the committee's. Each person is told at most
once per cause whatever runs, so running this again or running both tasks changes nothing.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "assessments: send reminders"
TASK = "assessments.tasks.send_reminders"
OLD_NAME = "assessments: remind members to rate"
OLD_TASK = "assessments.tasks.remind_raters"


def _every_hour(apps):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    every_hour = IntervalSchedule.objects.filter(every=1, period="hours").order_by("pk").first()
    return every_hour or IntervalSchedule.objects.create(every=1, period="hours")


def _changed(apps):
    # Tell a running beat that the schedule changed (what PeriodicTasks.changed does).
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def create_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": _every_hour(apps),
            "description": "Assessment reminders, each person once per cause: members to rate, "
            "secretaries' missing reflection and yearly report, committee members' unscored secretaries.",
        },
    )
    PeriodicTask.objects.filter(name=OLD_NAME, task=OLD_TASK).delete()
    _changed(apps)


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    PeriodicTask.objects.get_or_create(
        name=OLD_NAME,
        defaults={
            "task": OLD_TASK,
            "interval": _every_hour(apps),
            "description": "Remind members who have not rated, once per member and cycle, while rating is open.",
        },
    )
    _changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_ratings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
