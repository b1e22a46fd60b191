"""The periodic sweep that re-queues stalled roster imports, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "orgchart: sweep stalled roster imports"
TASK = "orgchart.tasks.sweep_stalled_imports"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='minutes',
    description='Re-queue roster imports that are pending or running without progress.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("orgchart", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
