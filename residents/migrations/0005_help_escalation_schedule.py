"""The periodic task that escalates overdue help requests to the street, for django-celery-beat.

Every 15 minutes. Idempotent: running this again changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "residents: escalate overdue help requests"
TASK = "residents.tasks_help.escalate_overdue_help_requests"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=15, period='minutes',
    description='Pass open help requests past their due time to the street, once each.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_purge_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
