"""The daily periodic task that removes the personal data of long-deregistered residents, for
django-celery-beat. Idempotent: running this again changes nothing."""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "residents: purge personal data of departed residents"
TASK = "residents.tasks.purge_departed_residents"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='days',
    description='Clear personal fields of residents deregistered past RESIDENTS_RETENTION_DAYS.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_help"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
