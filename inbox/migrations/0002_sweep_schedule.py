"""The periodic sweep that finishes stalled notification fan-outs, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "inbox: sweep stalled notification deliveries"
TASK = "inbox.tasks.sweep_stalled_fanouts"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='minutes',
    description='Re-queue notification fan-outs that are pending or running without progress.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
