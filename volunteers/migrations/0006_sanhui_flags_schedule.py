"""The periodic task that flags branches behind on 三会一课, stored for django-celery-beat.

Daily at 06:30 (Asia/Shanghai): the task is idempotent per branch and month (ComplianceFlag), so
polling daily sends each month's flags on the first day and nothing on the others, and a day the
beat missed is caught up the next. Running this migration again changes nothing.
"""

from django.db import migrations

from core.beat import BeatRow

TASK_NAME = "volunteers: flag branches behind on 三会一课"
TASK = "volunteers.tasks.flag_behind_branches"


SCHEDULE = BeatRow(
    name=TASK_NAME,
    task=TASK,
    crontab={'minute': '30', 'hour': '6', 'day_of_week': '*', 'day_of_month': '*', 'month_of_year': '*', 'timezone': 'Asia/Shanghai'},
    description='Notify the secretaries of branches behind on 三会一课, once per branch and month.',
)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0005_hours_certificate"),
        ("activities", "0005_sanhui_requirements"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE.operation()]
