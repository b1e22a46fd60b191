"""The periodic task that moves assessment cycles into their phases, stored for django-celery-beat.

Hourly: a phase starts on its date (local time), so the move happens within the hour after
midnight; final follows the 公示 window. Idempotent: running this again changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "assessments: move cycles into their phases"
TASK = "assessments.tasks.advance_cycles"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='hours',
    description='Move assessment cycles whose phase date has come; finalise after the 公示 window.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
