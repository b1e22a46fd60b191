"""The daily periodic task that flags co-building agreements expiring soon, for django-celery-beat.

Idempotent: running this again changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "cobuilding: flag agreements expiring soon"
TASK = "cobuilding.tasks.flag_expiring_agreements"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='days',
    description='Tell both sides of co-building agreements ending within 30 days.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("cobuilding", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
