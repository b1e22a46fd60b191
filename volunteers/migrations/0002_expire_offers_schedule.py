"""The periodic task that passes expired waiting-list offers on, stored for django-celery-beat.

Idempotent: running it again (or after an admin edited the schedule) changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "volunteers: pass expired waiting-list offers on"
TASK = "volunteers.tasks.expire_offers"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    every=1, period='minutes',
    description='Expire waiting-list offers not confirmed in time and offer the place to the next.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
