"""The periodic task that closes sign-up at the deadline, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "activities: close sign-up at the deadline"
TASK = "activities.tasks.close_due_signups"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=5, period='minutes',
    description='Close sign-up of open activities whose sign-up deadline (or start) has passed.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_constraint_messages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
